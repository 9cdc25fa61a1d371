package io.driftline.agent.source;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes new image files ({@code .png}, {@code .jpg}, {@code .jpeg}) from a folder, oldest name
 * first. The folder is listed every poll interval (this works on every file system, unlike watch
 * services on network mounts); a file is read once its size has stayed the same for one interval,
 * so half-written files wait. A file that cannot be decoded is skipped with one log line and
 * counted; the source carries on. It never ends: {@link #next} waits for files.
 */
public final class FolderWatchSource implements FrameSource {

  private static final Logger log = LoggerFactory.getLogger(FolderWatchSource.class);

  private final Path folder;
  private final int channels;
  private final Duration pollInterval;
  private final Set<Path> seen = new HashSet<>();
  private final java.util.Map<Path, Long> pendingSize = new java.util.HashMap<>();
  private final Deque<Path> ready = new ArrayDeque<>();
  private long skipped;

  /** Watches {@code folder}, decoding frames to {@code channels} channels. */
  public FolderWatchSource(Path folder, int channels, Duration pollInterval) {
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException("watched folder " + folder + " does not exist or is not a directory");
    }
    this.folder = folder;
    this.channels = channels;
    this.pollInterval = pollInterval;
  }

  @Override
  public @Nullable SourceFrame next() throws InterruptedException {
    while (true) {
      while (!ready.isEmpty()) {
        Path file = ready.poll();
        Image image = decode(file);
        if (image != null) {
          return new SourceFrame(image, -1, null, file.getFileName().toString());
        }
      }
      scan();
      if (ready.isEmpty()) {
        Thread.sleep(pollInterval.toMillis());
      }
    }
  }

  private @Nullable Image decode(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return ImageOps.read(in, channels);
    } catch (IOException | RuntimeException e) {
      skipped++;
      log.warn("skipping image file {}: cannot decode it ({})", file.getFileName(), e.getMessage());
      return null;
    }
  }

  private void scan() {
    List<Path> files;
    try (Stream<Path> entries = Files.list(folder)) {
      files = entries.filter(FolderWatchSource::isImageFile).sorted().toList();
    } catch (IOException e) {
      log.warn("cannot list watched folder {}: {}", folder, e.getMessage());
      return;
    }
    for (Path file : files) {
      if (seen.contains(file)) {
        continue;
      }
      long size;
      try {
        size = Files.size(file);
      } catch (IOException e) {
        continue;
      }
      Long before = pendingSize.put(file, size);
      if (before != null && before == size) {
        pendingSize.remove(file);
        seen.add(file);
        ready.add(file);
      }
    }
  }

  private static boolean isImageFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return !name.startsWith(".") && Files.isRegularFile(file)
        && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"));
  }

  @Override
  public String describe() {
    return "folder " + folder;
  }

  @Override
  public long skipped() {
    return skipped;
  }
}
