package dev.tracking.examples.signup;

import dev.tracking.facts.SignupMethod;
import dev.tracking.facts.SubscriptionStarted;
import dev.tracking.facts.UserSignedUp;
import dev.tracking.spring.outbox.FactOutbox;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A product service: each endpoint writes its row and its fact in one transaction; the fact goes after the commit. */
@SpringBootApplication
@RestController
public class SignupService {
    private final JdbcTemplate db;
    private final FactOutbox outbox;

    SignupService(JdbcTemplate db, FactOutbox outbox) {
        this.db = db;
        this.outbox = outbox;
    }

    public static void main(String[] args) {
        SpringApplication.run(SignupService.class, args);
    }

    record Signup(String userId, String email, String name) {}

    record Subscription(String plan, int seats) {}

    @PostMapping("/signups")
    @Transactional
    public Map<String, String> signUp(@RequestBody Signup signup) {
        db.update(
                "INSERT INTO users (id, email, name) VALUES (?, ?, ?)", signup.userId(), signup.email(), signup.name());
        var fact = UserSignedUp.newBuilder()
                .setUserId(signup.userId())
                .setEmail(signup.email())
                .setName(signup.name())
                .setMethod(SignupMethod.EMAIL)
                .setSource("signup-service")
                .build();
        return Map.of("eventId", outbox.publishAfterCommit(fact).eventId());
    }

    @PostMapping("/teams/{team}/subscriptions")
    @Transactional
    public Map<String, String> subscribe(@PathVariable String team, @RequestBody Subscription subscription) {
        db.update(
                "INSERT INTO subscriptions (team, plan, seats) VALUES (?, ?, ?)",
                team,
                subscription.plan(),
                subscription.seats());
        var fact = SubscriptionStarted.newBuilder()
                .setTeamId(team)
                .setUserId(null)
                .setPlan(subscription.plan())
                .setSeats(subscription.seats())
                .setSource("signup-service")
                .build();
        return Map.of("eventId", outbox.publishAfterCommit(fact).eventId());
    }
}
