package io.alertrelay.kinds.log;

import io.alertrelay.channel.KindSpec;
import io.alertrelay.channel.Param;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.PayloadBuilder;
import java.util.List;
import org.springframework.stereotype.Component;

/** Kind "log": writes the rendered message to the relay's log; the default config uses it. */
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
}
