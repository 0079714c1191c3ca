package io.alertrelay.delivery;

import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** TLS settings for channels that set verify-tls: false (self-signed internal endpoints). */
@Configuration
public class InsecureTlsConfig {

    @Bean
    SSLContextParameters insecureTls() {
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setTrustManager(new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // accepts any client: only used towards endpoints the operator chose not to verify
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // deliberately no check: the channel opted out of verification
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        });
        SSLContextParameters params = new SSLContextParameters();
        params.setTrustManagers(trust);
        return params;
    }

    @Bean
    NoopHostnameVerifier noopHostnameVerifier() {
        return NoopHostnameVerifier.INSTANCE;
    }
}
