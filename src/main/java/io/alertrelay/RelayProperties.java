package io.alertrelay;

import io.alertrelay.channel.ChannelProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Everything under {@code alert-relay:} in application.yaml. */
@ConfigurationProperties("alert-relay")
public class RelayProperties {

    private List<ChannelProperties> channels = new ArrayList<>();
    private final Ingest ingest = new Ingest();
    private final Delivery delivery = new Delivery();

    public List<ChannelProperties> getChannels() { return channels; }
    public void setChannels(List<ChannelProperties> channels) { this.channels = channels; }
    public Ingest getIngest() { return ingest; }
    public Delivery getDelivery() { return delivery; }

    public static class Ingest {
        /** Largest request body accepted, in bytes; larger ones get 413. */
        private int maxBodyBytes = 1024 * 1024;
        /** Most alerts in one POSTed array. */
        private int maxBatch = 1000;

        public int getMaxBodyBytes() { return maxBodyBytes; }
        public void setMaxBodyBytes(int maxBodyBytes) { this.maxBodyBytes = maxBodyBytes; }
        public int getMaxBatch() { return maxBatch; }
        public void setMaxBatch(int maxBatch) { this.maxBatch = maxBatch; }
    }

    public static class Delivery {
        /** How long a claimed delivery belongs to this instance before another may take it over. */
        private int leaseSeconds = 300;
        /** Deliveries held in memory waiting for a worker; the rest wait in the database. */
        private int queueSize = 1000;
        /** Most deliveries claimed from the database in one poll. */
        private int claimBatch = 200;

        public int getLeaseSeconds() { return leaseSeconds; }
        public void setLeaseSeconds(int leaseSeconds) { this.leaseSeconds = leaseSeconds; }
        public int getQueueSize() { return queueSize; }
        public void setQueueSize(int queueSize) { this.queueSize = queueSize; }
        public int getClaimBatch() { return claimBatch; }
        public void setClaimBatch(int claimBatch) { this.claimBatch = claimBatch; }
    }
}
