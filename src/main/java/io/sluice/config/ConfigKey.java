package io.sluice.config;

/**
 * One known broker key: its type, default (null = unset) and validator. Turns a raw string into a
 * typed value or a ConfigException that names the key, the value and the accepted form.
 */
record ConfigKey(String name, ConfigType type, String defaultValue, Validator validator) {

    Object parse(String raw) {
        String trimmed = raw.trim();
        Object value;
        try {
            value = type.parse(trimmed);
        } catch (IllegalArgumentException e) {
            throw invalid(raw);
        }
        if (!validator.check().test(value)) {
            throw invalid(raw);
        }
        return value;
    }

    String expected() {
        return validator.expected() != null ? validator.expected() : type.expected();
    }

    private ConfigException invalid(String raw) {
        return new ConfigException("Invalid value '" + raw + "' for configuration '" + name + "': expected " + expected());
    }
}
