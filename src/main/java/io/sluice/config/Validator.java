package io.sluice.config;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** A check on an already-typed value plus the wording of the form it accepts ("an integer >= 1"). */
record Validator(Predicate<Object> check, String expected) {
    static final Validator ANY = new Validator(v -> true, null);

    static Validator intAtLeast(int min) {
        return new Validator(v -> (Integer) v >= min, "an integer >= " + min);
    }

    static Validator intBetween(int min, int max) {
        return new Validator(v -> (Integer) v >= min && (Integer) v <= max, "an integer in [" + min + ", " + max + "]");
    }

    static Validator longAtLeast(long min) {
        return new Validator(v -> (Long) v >= min, "an integer >= " + min);
    }

    static Validator shortAtLeast(int min) {
        return new Validator(v -> (Short) v >= min, "an integer in [" + min + ", " + Short.MAX_VALUE + "]");
    }

    static Validator nonEmptyString() {
        return new Validator(v -> !((String) v).isBlank(), "a non-empty string");
    }

    static Validator oneOf(String... allowed) {
        List<String> values = Arrays.asList(allowed);
        return new Validator(values::contains, "one of " + values);
    }

    /** A non-empty list without duplicates whose items are all among allowed. */
    static Validator nonEmptySubsetOf(String... allowed) {
        List<String> values = Arrays.asList(allowed);
        return new Validator(v -> {
            List<?> items = (List<?>) v;
            return !items.isEmpty() && values.containsAll(items) && items.stream().distinct().count() == items.size();
        }, "a non-empty comma-separated list of distinct values from " + values);
    }

    static Validator nonEmptyList(String itemForm) {
        return new Validator(v -> !((List<?>) v).isEmpty(), "a non-empty comma-separated list of " + itemForm);
    }

    /** Applies a parser that throws IllegalArgumentException on a malformed value. */
    static Validator parses(java.util.function.Function<String, ?> parser, String expected) {
        return new Validator(v -> {
            try {
                parser.apply((String) v);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }, expected);
    }
}
