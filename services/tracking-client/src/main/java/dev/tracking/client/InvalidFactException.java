package dev.tracking.client;

import java.util.List;

/** A fact breaks a rule of {@link dev.tracking.schemas.FactValidator}; it was not published. */
public class InvalidFactException extends IllegalArgumentException {
    private final List<String> violations;

    public InvalidFactException(String factType, List<String> violations) {
        super(factType + " is invalid: " + String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    public List<String> violations() {
        return violations;
    }
}
