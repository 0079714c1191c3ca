package io.alertrelay;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class AlertRelayApplication {

    public static void main(String[] args) {
        SpringApplication.run(AlertRelayApplication.class, args);
    }
}
