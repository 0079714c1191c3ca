package io.alertrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void loggableTextHasNoControlCharactersLeft() {
        String hostile = "Disk full\r\n2024-05-01 INFO forged line\u001b[31m red\u0000\u0007\t\u007f\u0085\u009b\u2028end";

        String logged = Limits.loggable(hostile);

        assertThat(logged).isEqualTo("Disk full\\r\\n2024-05-01 INFO forged line\\u001b[31m red\\u0000\\u0007\\t\\u007f"
                + "\\u0085\\u009b\\u2028end");
        assertThat(logged.chars()).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028);
        // ordinary text, accents and emoji pass untouched (the same instance: nothing to copy)
        String plain = "Ünïcödé 🚨 \"quoted\" \\n stays";
        assertThat(Limits.loggable(plain)).isSameAs(plain);
        assertThat(Limits.loggable(null)).isNull();
    }
}
