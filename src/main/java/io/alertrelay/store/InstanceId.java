package io.alertrelay.store;

import java.net.InetAddress;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Names this running process in delivery claims, so several instances can share one database. */
@Component
public class InstanceId {

    private final String id;

    public InstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "relay";
        }
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String name = host.length() > 40 ? host.substring(0, 40) : host;
        this.id = name + "-" + ProcessHandle.current().pid() + "-" + suffix;
    }

    public String id() { return id; }
}
