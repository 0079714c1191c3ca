package io.alertrelay.ingest;

import io.alertrelay.RelayProperties;
import java.util.concurrent.Semaphore;
import org.springframework.stereotype.Component;

/**
 * How many ingest requests may be handled at once (alert-relay.ingest.max-concurrent). A request over
 * the limit is refused at once rather than queued: waiting would hold one more Tomcat thread, and
 * those are what health probes and the API need while the database is slow.
 */
@Component
public class IngestLimit {

    private final Semaphore permits;

    public IngestLimit(RelayProperties props) {
        this.permits = new Semaphore(props.getIngest().getMaxConcurrent());
    }

    public boolean tryEnter() {
        return permits.tryAcquire();
    }

    public void exit() {
        permits.release();
    }
}
