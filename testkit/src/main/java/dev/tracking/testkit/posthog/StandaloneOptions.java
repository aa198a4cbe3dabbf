package dev.tracking.testkit.posthog;

/** Command-line options of {@link FakePostHog#main}. */
record StandaloneOptions(int port, String apiKey, boolean help) {
    static final String USAGE = "usage: FakePostHog --api-key <key> [--port <n>]   (port 0, the default, picks a free"
            + " one; the base URL is printed on stdout)";

    /** Parses {@code args}; throws {@link IllegalArgumentException} naming the bad argument or value. */
    static StandaloneOptions parse(String[] args) {
        Integer port = null;
        String apiKey = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> {
                    return new StandaloneOptions(0, null, true);
                }
                case "--port" -> {
                    if (port != null) {
                        throw new IllegalArgumentException("--port given twice");
                    }
                    port = parsePort(value(args, i++, arg));
                }
                case "--api-key" -> {
                    if (apiKey != null) {
                        throw new IllegalArgumentException("--api-key given twice");
                    }
                    apiKey = value(args, i++, arg);
                    if (apiKey.isBlank()) {
                        throw new IllegalArgumentException("--api-key must not be blank");
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        if (apiKey == null) {
            throw new IllegalArgumentException("--api-key <key> is required");
        }
        return new StandaloneOptions(port == null ? 0 : port, apiKey, false);
    }

    private static String value(String[] args, int i, String option) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i + 1];
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--port must be an integer 0-65535, got '" + value + "'");
    }
}
