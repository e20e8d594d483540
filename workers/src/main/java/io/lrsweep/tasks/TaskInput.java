package io.lrsweep.tasks;

import io.lrsweep.study.InvalidStudyException;
import java.util.ArrayList;
import java.util.List;
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

    /** A non-empty list of numbers. */
    List<Double> numbers(String field) {
        Object v = values.get(field);
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw new InvalidStudyException(field, "is required and must be a non-empty list of numbers, got " + v);
        }
        List<Double> out = new ArrayList<>();
        for (Object e : list) {
            if (!(e instanceof Number n)) {
                throw new InvalidStudyException(field, "must hold numbers only, got " + e);
            }
            out.add(n.doubleValue());
        }
        return List.copyOf(out);
    }

    /** A non-empty list of integers. */
    List<Integer> integers(String field) {
        List<Integer> out = new ArrayList<>();
        for (double d : numbers(field)) {
            if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                throw new InvalidStudyException(field, "must hold integers only, got " + d);
            }
            out.add((int) d);
        }
        return List.copyOf(out);
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
