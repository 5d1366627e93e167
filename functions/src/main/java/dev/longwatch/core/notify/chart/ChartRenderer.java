package dev.longwatch.core.notify.chart;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Draws a chart PNG server-side with java.awt (headless): the series, the threshold as a red dashed line, event
 * markers as grey verticals, time labels in UTC. 800 x 300 px, a few KB.
 */
public final class ChartRenderer {
    public static final int WIDTH = 800, HEIGHT = 300;
    private static final int LEFT = 60, RIGHT = 20, TOP = 30, BOTTOM = 40;
    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** A chart: points (NaN gaps allowed), the threshold (nullable), event times, the range and a title. */
    public record Chart(String title, long[] times, double[] values, Double threshold, List<Long> events, long from,
                        long to) {
    }

    public byte[] png(Chart c) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (double v : c.values()) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            if (c.threshold() != null) {
                min = Math.min(min, c.threshold());
                max = Math.max(max, c.threshold());
            }
            if (!Double.isFinite(min)) {
                min = 0;
                max = 1;
            }
            if (max == min) {
                max = min + 1;
            }
            double pad = (max - min) * 0.1;
            min -= pad;
            max += pad;
            int w = WIDTH - LEFT - RIGHT, h = HEIGHT - TOP - BOTTOM;
            long span = Math.max(1, c.to() - c.from());
            final double lo = min, hi = max;
            java.util.function.LongToIntFunction x = t -> LEFT + (int) Math.round((t - c.from()) * (double) w / span);
            java.util.function.DoubleToIntFunction y = v -> TOP + (int) Math.round((hi - v) * h / (hi - lo));

            g.setColor(new Color(0xDDDDDD));
            g.drawRect(LEFT, TOP, w, h);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int i = 0; i <= 4; i++) {
                double v = lo + (hi - lo) * i / 4;
                int yy = y.applyAsInt(v);
                g.setColor(new Color(0xEEEEEE));
                g.drawLine(LEFT, yy, LEFT + w, yy);
                g.setColor(Color.DARK_GRAY);
                g.drawString(label(v), 4, yy + 4);
            }
            for (int i = 0; i <= 4; i++) {
                long t = c.from() + span * i / 4;
                g.drawString(HHMM.format(Instant.ofEpochMilli(t)), x.applyAsInt(t) - 14, HEIGHT - BOTTOM + 16);
            }
            g.setColor(new Color(0x999999));
            g.setStroke(new BasicStroke(1f));
            for (long e : c.events()) {
                if (e >= c.from() && e <= c.to()) {
                    int xx = x.applyAsInt(e);
                    g.drawLine(xx, TOP, xx, TOP + h);
                }
            }
            if (c.threshold() != null) {
                g.setColor(new Color(0xE01E5A));
                g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f},
                        0f));
                int yy = y.applyAsInt(c.threshold());
                g.drawLine(LEFT, yy, LEFT + w, yy);
            }
            g.setColor(new Color(0x1D6FD8));
            g.setStroke(new BasicStroke(2f));
            Path2D.Double path = new Path2D.Double();
            boolean pen = false;
            for (int i = 0; i < c.times().length; i++) {
                double v = c.values()[i];
                if (!Double.isFinite(v)) {
                    pen = false;
                    continue;
                }
                int xx = x.applyAsInt(c.times()[i]), yy = y.applyAsInt(v);
                if (pen) {
                    path.lineTo(xx, yy);
                } else {
                    path.moveTo(xx, yy);
                    pen = true;
                }
            }
            g.draw(path);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(c.title().length() > 90 ? c.title().substring(0, 89) + "…" : c.title(), LEFT, 20);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String label(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return String.format("%.1fM", v / 1e6);
        }
        if (a >= 1e3) {
            return String.format("%.1fk", v / 1e3);
        }
        return a >= 10 ? String.format("%.0f", v) : String.format("%.2f", v);
    }
}
