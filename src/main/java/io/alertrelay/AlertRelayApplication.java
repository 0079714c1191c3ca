package io.alertrelay;

import io.alertrelay.cli.RelayCli;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class AlertRelayApplication {

    public static void main(String[] args) {
        // `java -jar alert-relay.jar channels list` talks to a running relay; it does not start one
        if (RelayCli.handles(args)) {
            System.exit(RelayCli.run(args, System.out, System.err, System.getenv()));
        }
        SpringApplication.run(AlertRelayApplication.class, args);
    }
}
