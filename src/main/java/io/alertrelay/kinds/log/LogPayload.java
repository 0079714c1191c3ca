package io.alertrelay.kinds.log;

import io.alertrelay.channel.KindSpec;
import io.alertrelay.channel.Param;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.PayloadBuilder;
import io.alertrelay.delivery.Deliveries;
import io.alertrelay.delivery.Limits;
import java.util.List;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Kind "log": writes the rendered message to the relay's log; the default config uses it. One delivery
 * is one log line: the title and body are alert text, so their line breaks and other control
 * characters are written escaped (a multi-line message shows as "…\\n…").
 */
@Component("logPayload")
public class LogPayload implements PayloadBuilder {

    private static final KindSpec SPEC = new KindSpec("log", "a line in the relay's log", List.of(
            Param.oneOf("level", "INFO", List.of("ERROR", "WARN", "INFO", "DEBUG"), "log level")));

    @Override
    public KindSpec spec() {
        return SPEC;
    }

    @Override
    public String build(DeliveryContext d) {
        return "[" + d.channel().id() + "] " + d.title() + "\n" + d.body();
    }

    private static final Logger LOG = LoggerFactory.getLogger("alert-relay.delivery");

    /** Used by the log route: the built text, at the channel's level. */
    public void write(Exchange exchange) {
        String text = Limits.loggable(exchange.getMessage().getBody(String.class));
        DeliveryContext d = exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
        String level = d == null ? "INFO" : d.channel().string("level");
        switch (level) {
            case "ERROR" -> LOG.error(text);
            case "WARN" -> LOG.warn(text);
            case "DEBUG" -> LOG.debug(text);
            default -> LOG.info(text);
        }
    }
}
