package io.lrsweep.study;

/** A study input that cannot run; the message names the field and says why. */
public final class InvalidStudyException extends IllegalArgumentException {
    private final String field;

    public InvalidStudyException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
