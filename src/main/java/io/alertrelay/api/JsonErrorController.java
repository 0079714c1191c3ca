package io.alertrelay.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Replaces Spring Boot's error controller, whose body ({"timestamp","status","error","path"}) is not the
 * relay's shape and which answers a direct {@code GET /error} with {@code 500 {"status":999}}. Every
 * error dispatch lands here: an unknown path or a method the ingest servlet does not take (Camel's
 * servlet calls sendError), an exception no handler caught (Tomcat has logged it), a status Spring MVC
 * set on its own. The answer names no exception and no Java type.
 *
 * <p>The body is written straight to the response, not through content negotiation: a client that
 * accepts only text/html would otherwise get a second error while its first one is reported.
 */
@Controller
@Hidden
public class JsonErrorController implements ErrorController {

    private final ObjectMapper json;

    public JsonErrorController(ObjectMapper json) {
        this.json = json;
    }

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // no error attribute: somebody asked for /error itself, which is no resource of the relay
        int status = code instanceof Integer i && i >= 400 ? i : 404;
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), ErrorAnswers.body(json, status, request.getMethod()));
    }
}
