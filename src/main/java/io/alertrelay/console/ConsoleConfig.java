package io.alertrelay.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.io.ClassPathResource;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The web console: static files from the jar under /console (classpath static/console), the chart
 * library from its WebJar at /console/lib/, and the headers that keep alert text from ever running as
 * code there: alerts are attacker-controlled, so the page may load script and style from this origin
 * only, never inline, and may not be framed.
 */
@Configuration
public class ConsoleConfig implements WebMvcConfigurer {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private static final String CHART_JS = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/console", "/console/");
        registry.addViewController("/console/").setViewName("forward:/console/index.html");
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/console/lib/chart.js/**")
                .addResourceLocations("classpath:/META-INF/resources/webjars/chart.js/" + webJarVersion(CHART_JS) + "/dist/");
    }

    /** The WebJar's version from its own Maven metadata, so upgrading it is a change to the pom only. */
    static String webJarVersion(String pomProperties) {
        Properties p = new Properties();
        try (InputStream in = new ClassPathResource(pomProperties).getInputStream()) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the console's chart library is missing from the classpath: " + pomProperties, e);
        }
        return p.getProperty("version");
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> consoleHeaders() {
        FilterRegistrationBean<OncePerRequestFilter> bean = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                response.setHeader("X-Content-Type-Options", "nosniff");
                response.setHeader("X-Frame-Options", "DENY");
                response.setHeader("Referrer-Policy", "no-referrer");
                // a new jar brings new files; the browser asks again instead of mixing versions
                response.setHeader("Cache-Control", "no-cache");
                chain.doFilter(request, response);
            }
        });
        bean.addUrlPatterns("/console", "/console/*");
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return bean;
    }
}
