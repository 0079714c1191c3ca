package io.alertrelay.api;

import io.alertrelay.api.ApiViews.ReloadResult;
import io.alertrelay.channel.InvalidChannelConfigException;
import io.alertrelay.ops.ConfigReloader;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
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
                    + "refused with 400 and the reason, one that leaves no enabled channel with 409 unless "
                    + "allow-empty=true; the running channels stay as they are.")
    public ReloadResult reload(@Parameter(description = "true: apply a configuration with no enabled channel "
            + "(otherwise refused with 409, since alerts would be delivered nowhere)")
                               @RequestParam(name = "allow-empty", required = false) String allowEmpty) {
        try {
            ConfigReloader.Outcome o = reloader.reload(flag("allow-empty", allowEmpty));
            return new ReloadResult(o.channels(), o.added(), o.removed());
        } catch (InvalidChannelConfigException e) {
            throw new ApiErrors.BadRequest("invalid_config",
                    e instanceof io.alertrelay.kind.InvalidKindException ? "alert-relay.kinds-dir" : "alert-relay.channels",
                    e.getMessage());
        } catch (ConfigReloader.NoChannelsLeft e) {
            throw new ApiErrors.Conflict("no_channels", e.getMessage());
        }
    }

    private static boolean flag(String name, String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new ApiErrors.BadRequest(name, "must be true or false, got \"" + value + "\"");
    }
}
