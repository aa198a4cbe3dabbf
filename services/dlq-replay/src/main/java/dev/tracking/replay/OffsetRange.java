package dev.tracking.replay;

/**
 * {@code --offsets <partition>:<from>-<to>} (both ends included) or {@code <partition>:<offset>}: offsets in a
 * dead-letter topic, as {@code show} prints them ({@code facts.engagement-dlt-1@12} is partition 1, offset 12).
 */
record OffsetRange(int partition, long from, long to) {
    private static final String EXPECTED =
            "expected <partition>:<from>-<to> such as 0:120-180, or <partition>:<offset> such as 2:15";

    static OffsetRange parse(String text) {
        String value = text.strip();
        int colon = value.indexOf(':');
        try {
            if (colon > 0) {
                int partition = Integer.parseInt(value.substring(0, colon));
                String offsets = value.substring(colon + 1);
                int dash = offsets.indexOf('-');
                long from = Long.parseLong(dash < 0 ? offsets : offsets.substring(0, dash));
                long to = dash < 0 ? from : Long.parseLong(offsets.substring(dash + 1));
                if (partition >= 0 && from >= 0 && to >= from) {
                    return new OffsetRange(partition, from, to);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ReplayException.usage("--offsets '" + text + "' is not valid: " + EXPECTED);
    }

    boolean contains(int partition, long offset) {
        return this.partition == partition && offset >= from && offset <= to;
    }

    @Override
    public String toString() {
        return partition + ":" + from + (to == from ? "" : "-" + to);
    }
}
