package io.sluice.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How a raw property string becomes a typed value; parse throws IllegalArgumentException on bad input. */
enum ConfigType {
    INT("an integer") {
        @Override Object parse(String raw) { return Integer.parseInt(raw); }
    },
    LONG("an integer") {
        @Override Object parse(String raw) { return Long.parseLong(raw); }
    },
    SHORT("an integer in [-32768, 32767]") {
        @Override Object parse(String raw) { return Short.parseShort(raw); }
    },
    BOOLEAN("true or false") {
        @Override Object parse(String raw) {
            String lower = raw.toLowerCase(Locale.ROOT);
            if (lower.equals("true")) {
                return Boolean.TRUE;
            }
            if (lower.equals("false")) {
                return Boolean.FALSE;
            }
            throw new IllegalArgumentException(raw);
        }
    },
    STRING("a string") {
        @Override Object parse(String raw) { return raw; }
    },
    LIST("a comma-separated list") {
        @Override Object parse(String raw) {
            List<String> items = new ArrayList<>();
            for (String item : raw.split(",")) {
                String trimmed = item.trim();
                if (!trimmed.isEmpty()) {
                    items.add(trimmed);
                }
            }
            return List.copyOf(items);
        }
    },
    /** A single string restricted by a oneOf validator. */
    ENUM("one of the allowed values") {
        @Override Object parse(String raw) { return raw; }
    };

    private final String expected;

    ConfigType(String expected) {
        this.expected = expected;
    }

    /** Wording used after "expected" when no validator gives a sharper one. */
    String expected() {
        return expected;
    }

    abstract Object parse(String raw);
}
