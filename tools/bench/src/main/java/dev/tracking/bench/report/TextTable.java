package dev.tracking.bench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table with a header row; columns are left-aligned for text and right-aligned for numbers. */
public final class TextTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(String... header) {
        this.header = List.of(header);
    }

    public TextTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("a row has " + header.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(format(cell));
        }
        rows.add(row);
        return this;
    }

    static String format(Object cell) {
        if (cell == null) {
            return "-";
        }
        if (cell instanceof Double value) {
            if (value.isNaN()) {
                return "-";
            }
            double magnitude = Math.abs(value);
            return magnitude >= 100
                    ? String.format("%,.0f", value)
                    : magnitude >= 10 ? String.format("%.1f", value) : String.format("%.2f", value);
        }
        if (cell instanceof Long || cell instanceof Integer) {
            return String.format("%,d", ((Number) cell).longValue());
        }
        return cell.toString();
    }

    @Override
    public String toString() {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder text = new StringBuilder();
        line(text, header, widths, false);
        char[] rule = new char[Arrays.stream(widths).sum() + 2 * (widths.length - 1)];
        Arrays.fill(rule, '-');
        text.append(rule).append('\n');
        for (List<String> row : rows) {
            line(text, row, widths, true);
        }
        return text.toString();
    }

    private static void line(StringBuilder text, List<String> cells, int[] widths, boolean alignNumbers) {
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            boolean number = alignNumbers && cell.matches("-?[\\d,.]+");
            String padding = " ".repeat(widths[i] - cell.length());
            text.append(number ? padding + cell : i == cells.size() - 1 ? cell : cell + padding);
            if (i < cells.size() - 1) {
                text.append("  ");
            }
        }
        text.append('\n');
    }
}
