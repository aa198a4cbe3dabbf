package dev.tracking.posthogproject.declaration;

import java.util.List;

/** The declaration cannot be used: each problem names the file, the place in it, the bad value and what is valid. */
public final class DeclarationException extends Exception {
    private final List<String> problems;

    public DeclarationException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem. */
    public List<String> problems() {
        return problems;
    }
}
