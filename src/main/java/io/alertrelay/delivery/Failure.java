package io.alertrelay.delivery;

/**
 * Why a delivery attempt failed, in the shape of a channel's failure fields.
 *
 * @param type         client_error, server_error, rate_limited, auth_error, timeout, connection, tls_error,
 *                     no_producer, config_error or internal_error
 * @param retryAfterMs the wait the target asked for (Retry-After), or -1
 */
public record Failure(String type, String message, Integer statusCode, String responseText, Boolean responseIsJson,
                      boolean retryable, long retryAfterMs) {}
