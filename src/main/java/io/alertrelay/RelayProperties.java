package io.alertrelay;

import io.alertrelay.channel.ChannelProperties;
import io.alertrelay.noise.NoiseConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Everything under {@code alert-relay:} in application.yaml. */
@ConfigurationProperties("alert-relay")
@Validated
public class RelayProperties {

    private List<ChannelProperties> channels = new ArrayList<>();
    @Valid
    private final Ingest ingest = new Ingest();
    private final Delivery delivery = new Delivery();
    private List<NoiseConfig.InhibitRuleProperties> inhibitRules = new ArrayList<>();
    private List<NoiseConfig.TimeIntervalProperties> timeIntervals = new ArrayList<>();
    private final Noise noise = new Noise();

    public List<ChannelProperties> getChannels() { return channels; }
    public void setChannels(List<ChannelProperties> channels) { this.channels = channels; }
    public Ingest getIngest() { return ingest; }
    public Delivery getDelivery() { return delivery; }
    public List<NoiseConfig.InhibitRuleProperties> getInhibitRules() { return inhibitRules; }
    public void setInhibitRules(List<NoiseConfig.InhibitRuleProperties> inhibitRules) { this.inhibitRules = inhibitRules; }
    public List<NoiseConfig.TimeIntervalProperties> getTimeIntervals() { return timeIntervals; }
    public void setTimeIntervals(List<NoiseConfig.TimeIntervalProperties> timeIntervals) { this.timeIntervals = timeIntervals; }
    public Noise getNoise() { return noise; }

    /** Silences and inhibit sources are shared through the database and cached by each instance. */
    public static class Noise {
        /** How stale another instance's silence or firing inhibit source may be here. */
        private long refreshMs = 5000;
        /**
         * How long a firing source alert inhibits without being sent again or resolved: Alertmanager's
         * default repeat interval, so a source it keeps re-notifying stays current.
         */
        private java.time.Duration inhibitSourceExpiry = java.time.Duration.ofHours(4);

        public long getRefreshMs() { return refreshMs; }
        public void setRefreshMs(long refreshMs) { this.refreshMs = refreshMs; }
        public java.time.Duration getInhibitSourceExpiry() { return inhibitSourceExpiry; }
        public void setInhibitSourceExpiry(java.time.Duration inhibitSourceExpiry) { this.inhibitSourceExpiry = inhibitSourceExpiry; }
    }

    public static class Ingest {
        /** Largest request body accepted, in bytes; larger ones get 413. */
        private int maxBodyBytes = 1024 * 1024;
        /** Most alerts in one POSTed array. */
        private int maxBatch = 1000;
        /**
         * Most ingest requests handled at once; more get 503 with Retry-After at once. Each holds a Tomcat
         * thread until its commit, so this stays below server.tomcat.threads.max (200): when the database
         * stalls, the rest of the threads still answer health probes and the API.
         */
        @Min(1)
        private int maxConcurrent = 100;
        /**
         * Request-body bytes held in memory at once, over ingest and the API; 0 means a thirty-second of the
         * heap. A request that does not fit gets 503 with Retry-After before its body is read.
         */
        @Min(0)
        private long maxBufferedBytes = 0;
        /**
         * How long a request body may take to arrive in full; a slower upload gets 408 and its connection
         * is closed, so stalled clients cannot hold the threads that health probes need.
         */
        @Min(1)
        private long bodyTimeoutMs = 10_000;

        public int getMaxBodyBytes() { return maxBodyBytes; }
        public void setMaxBodyBytes(int maxBodyBytes) { this.maxBodyBytes = maxBodyBytes; }
        public int getMaxBatch() { return maxBatch; }
        public void setMaxBatch(int maxBatch) { this.maxBatch = maxBatch; }
        public int getMaxConcurrent() { return maxConcurrent; }
        public void setMaxConcurrent(int maxConcurrent) { this.maxConcurrent = maxConcurrent; }
        public long getMaxBufferedBytes() { return maxBufferedBytes; }
        public void setMaxBufferedBytes(long maxBufferedBytes) { this.maxBufferedBytes = maxBufferedBytes; }
        public long getBodyTimeoutMs() { return bodyTimeoutMs; }
        public void setBodyTimeoutMs(long bodyTimeoutMs) { this.bodyTimeoutMs = bodyTimeoutMs; }
    }

    public static class Delivery {
        /** How long a claimed delivery belongs to this instance before another may take it over. */
        private int leaseSeconds = 300;
        /** Deliveries held in memory waiting for a worker; the rest wait in the database. */
        private int queueSize = 1000;
        /** Deliveries sent at the same time (the deliver route's consumers). */
        private int workers = 16;
        /** Most deliveries claimed from the database in one poll. */
        private int claimBatch = 200;
        private final Breaker circuitBreaker = new Breaker();

        public int getLeaseSeconds() { return leaseSeconds; }
        public void setLeaseSeconds(int leaseSeconds) { this.leaseSeconds = leaseSeconds; }
        public int getWorkers() { return workers; }
        public void setWorkers(int workers) { this.workers = workers; }
        public int getQueueSize() { return queueSize; }
        public void setQueueSize(int queueSize) { this.queueSize = queueSize; }
        public int getClaimBatch() { return claimBatch; }
        public void setClaimBatch(int claimBatch) { this.claimBatch = claimBatch; }
        public Breaker getCircuitBreaker() { return circuitBreaker; }
    }

    /** When a channel's target keeps failing, its deliveries wait instead of using up workers and attempts. */
    public static class Breaker {
        /** Failed share of the recent attempts (percent) that opens the breaker. */
        private int failureRateThreshold = 50;
        /** Attempts looked at. */
        private int window = 20;
        /** Fewest attempts before the rate counts. */
        private int minimumCalls = 10;
        /** How long an open breaker waits before one trial delivery. */
        private int openSeconds = 30;

        public int getFailureRateThreshold() { return failureRateThreshold; }
        public void setFailureRateThreshold(int v) { this.failureRateThreshold = v; }
        public int getWindow() { return window; }
        public void setWindow(int window) { this.window = window; }
        public int getMinimumCalls() { return minimumCalls; }
        public void setMinimumCalls(int minimumCalls) { this.minimumCalls = minimumCalls; }
        public int getOpenSeconds() { return openSeconds; }
        public void setOpenSeconds(int openSeconds) { this.openSeconds = openSeconds; }
    }
}
