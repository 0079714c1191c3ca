package io.alertrelay.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;

/** A request that hides some of its headers from everything after it (Camel copies every header). */
public abstract class HidingHeaders extends HttpServletRequestWrapper {

    protected HidingHeaders(HttpServletRequest request) {
        super(request);
    }

    /** Whether the header {@code name} is hidden. */
    protected abstract boolean hidden(String name);

    @Override
    public String getHeader(String name) {
        return hidden(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        return Collections.enumeration(Collections.list(super.getHeaderNames()).stream().filter(n -> !hidden(n)).toList());
    }
}
