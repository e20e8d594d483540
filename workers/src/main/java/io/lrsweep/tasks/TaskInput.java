package io.lrsweep.tasks;

import io.lrsweep.study.InvalidStudyException;
import java.util.Map;

/** Typed access to a task's input; a missing or mistyped field is an invalid input naming the field. */
record TaskInput(Map<String, Object> values) {
    String string(String field) {
        Object v = values.get(field);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new InvalidStudyException(field, "is required and must be a non-empty string");
        }
        return s;
    }

    double number(String field) {
        Object v = values.get(field);
        if (!(v instanceof Number n)) {
            throw new InvalidStudyException(field, "is required and must be a number, got " + v);
        }
        return n.doubleValue();
    }

    int integer(String field) {
        double d = number(field);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new InvalidStudyException(field, "must be an integer, got " + d);
        }
        return (int) d;
    }

    boolean flag(String field) {
        Object v = values.get(field);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new InvalidStudyException(field, "must be true or false, got " + v);
    }
}
