package dev.tracking.consumer.config;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;

/** The value is an absolute {@code http} or {@code https} URL with a host. */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = HttpUrl.Validator.class)
public @interface HttpUrl {
    String message() default "must be an http or https URL with a host, such as https://us.i.posthog.com";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks {@link HttpUrl}. */
    class Validator implements ConstraintValidator<HttpUrl, URI> {
        @Override
        public boolean isValid(URI value, ConstraintValidatorContext context) {
            return value == null
                    || value.isAbsolute()
                            && ("http".equalsIgnoreCase(value.getScheme())
                                    || "https".equalsIgnoreCase(value.getScheme()))
                            && value.getHost() != null
                            && value.getRawQuery() == null;
        }
    }
}
