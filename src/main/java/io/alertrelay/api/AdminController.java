package io.alertrelay.api;

import io.alertrelay.api.ApiViews.ReloadResult;
import io.alertrelay.channel.InvalidChannelConfigException;
import io.alertrelay.ops.ConfigReloader;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "admin", description = "administration")
public class AdminController {

    private final ConfigReloader reloader;

    public AdminController(ConfigReloader reloader) {
        this.reloader = reloader;
    }

    @PostMapping(path = "/admin/reload", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Read the channel configuration again and apply it",
            description = "Deliveries in flight finish with the channel they started with. An invalid configuration is "
                    + "refused with 400 and the reason; the running channels stay as they are.")
    public ReloadResult reload() {
        try {
            ConfigReloader.Outcome o = reloader.reload();
            return new ReloadResult(o.channels(), o.added(), o.removed());
        } catch (InvalidChannelConfigException e) {
            throw new ApiErrors.BadRequest("invalid_config",
                    e instanceof io.alertrelay.kind.InvalidKindException ? "alert-relay.kinds-dir" : "alert-relay.channels",
                    e.getMessage());
        }
    }
}
