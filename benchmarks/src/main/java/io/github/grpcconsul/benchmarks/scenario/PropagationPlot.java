package io.github.grpcconsul.benchmarks.scenario;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws each contender's propagation times per churn step as a strip plot on a log time axis (one dot per trial, a
 * thick tick at p50, a thin one at p99, crosses at the right edge for trials that timed out). Java2D only.
 */
final class PropagationPlot {
  private static final int WIDTH = 1000;
  private static final int LEFT = 270;
  private static final int RIGHT = 100;
  private static final int TOP = 50;
  private static final int ROW = 30;
  private static final int PANEL_GAP = 26;
  private static final double MIN_MS = 0.1;
  private static final double MAX_MS = 100_000;
  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
      new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b)};

  private PropagationPlot() {}

  static void write(Path png, ScenarioOptions options, List<ContenderResult> results) throws IOException {
    List<Step> steps = List.of(Step.ADD, Step.REMOVE, Step.CRITICAL, Step.PASSING);
    int panelHeight = ROW * results.size() + PANEL_GAP;
    int height = TOP + steps.size() * panelHeight + 60;
    BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(String.format(Locale.ROOT,
          "Propagation time, change in Consul -> client (ms, log scale; %d trials, timeout %d s; mode %s)",
          options.trials(), options.stepTimeout().toSeconds(), options.mode()), 12, 24);
      int plotBottom = TOP + steps.size() * panelHeight - PANEL_GAP / 2;
      grid(g, plotBottom);
      int y = TOP;
      for (Step step : steps) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.drawString(step.label + " (" + step.measured + ")", 12, y + 10);
        for (int i = 0; i < results.size(); i++) {
          drawRow(g, results.get(i), step, y + 14 + i * ROW, COLORS[i % COLORS.length]);
        }
        y += panelHeight;
      }
    } finally {
      g.dispose();
    }
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(image, "png", png.toFile());
  }

  private static void grid(Graphics2D g, int bottom) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (double ms = MIN_MS; ms <= MAX_MS * 1.01; ms *= 10) {
      int x = x(ms);
      g.setColor(new Color(0xdddddd));
      g.drawLine(x, TOP, x, bottom);
      g.setColor(Color.DARK_GRAY);
      String label = ms < 1 ? "0.1 ms" : ms < 1000 ? (int) ms + " ms" : (int) (ms / 1000) + " s";
      g.drawString(label, x - 14, bottom + 16);
    }
    g.drawString("timed out", WIDTH - RIGHT + 40, bottom + 16);
    g.drawString("dot: one trial; thick bar: p50; thin bar: p99", LEFT, bottom + 34);
  }

  private static void drawRow(Graphics2D g, ContenderResult result, Step step, int top, Color color) {
    StepResult data = result.step(step);
    int mid = top + ROW / 2;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(color);
    g.drawString(result.contender.label.replace("`", ""), 24, mid + 4);
    List<Double> values = data.millis();
    for (int i = 0; i < values.size(); i++) {
      int jitter = (int) ((i * 7919L) % 13) - 6; // deterministic spread so equal values stay visible
      int x = x(values.get(i));
      g.fillOval(x - 3, mid + jitter - 3, 7, 7);
    }
    for (int i = 0; i < data.timeouts(); i++) {
      int x = WIDTH - RIGHT + 50 + (i % 4) * 8;
      int yy = mid + (i / 4) * 6 - 3;
      g.setStroke(new BasicStroke(2));
      g.drawLine(x - 4, yy - 4, x + 4, yy + 4);
      g.drawLine(x - 4, yy + 4, x + 4, yy - 4);
    }
    if (values.isEmpty() && data.timeouts() == 0) {
      g.drawString(data.notApplicableCount() > 0 ? "not measurable: the instance never stopped receiving calls"
          : "not measured", LEFT + 10, mid + 4);
    }
    tick(g, data.percentile(50), mid, 4f, 13);
    tick(g, data.percentile(99), mid, 1.5f, 11);
    g.setStroke(new BasicStroke(1));
  }

  private static void tick(Graphics2D g, double ms, int mid, float width, int half) {
    if (Double.isNaN(ms) || Double.isInfinite(ms)) {
      return;
    }
    g.setStroke(new BasicStroke(width));
    int x = x(ms);
    g.drawLine(x, mid - half, x, mid + half);
  }

  private static int x(double ms) {
    double clamped = Math.max(MIN_MS, Math.min(MAX_MS, ms));
    double f = (Math.log10(clamped) - Math.log10(MIN_MS)) / (Math.log10(MAX_MS) - Math.log10(MIN_MS));
    return LEFT + (int) Math.round(f * (WIDTH - LEFT - RIGHT));
  }
}
