package io.github.grpcconsul.examples.demo;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns: the first column left-aligned, the others right-aligned. */
final class TextTable {
  private final List<String[]> rows = new ArrayList<>();
  private final boolean alignRight;

  /** {@code alignRight}: whether columns after the first are right-aligned (numbers) or left-aligned (text). */
  TextTable(boolean alignRight, String... header) {
    this.alignRight = alignRight;
    rows.add(header);
  }

  TextTable row(Object... cells) {
    String[] row = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      row[i] = String.valueOf(cells[i]);
    }
    rows.add(row);
    return this;
  }

  String render(String indent) {
    int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      String[] row = rows.get(r);
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < columns; i++) {
        String cell = i < row.length ? row[i] : "";
        boolean right = alignRight && i > 0;
        String pad = " ".repeat(widths[i] - cell.length());
        line.append(i == 0 ? "" : "   ").append(right ? pad + cell : cell + pad);
      }
      text.append(line.toString().stripTrailing()).append(System.lineSeparator());
      if (r == 0) {
        int total = indent.length();
        for (int w : widths) {
          total += w + 3;
        }
        text.append(indent).append("-".repeat(total - indent.length() - 3)).append(System.lineSeparator());
      }
    }
    return text.toString();
  }
}
