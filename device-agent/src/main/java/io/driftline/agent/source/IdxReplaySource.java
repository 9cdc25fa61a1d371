package io.driftline.agent.source;

import io.driftline.core.data.IdxReader;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Replays the images of an IDX file (with labels when a label file is given), optionally in a loop. */
public final class IdxReplaySource implements FrameSource {

  private final List<Image> images;
  private final int @Nullable [] labels;
  private final boolean loop;
  private final String description;
  private int next;

  /** Reads {@code images} (and {@code labels} if not null). */
  public IdxReplaySource(Path images, @Nullable Path labels, boolean loop) {
    if (labels != null) {
      LabeledImages data = IdxReader.read(images, labels);
      this.images = new java.util.ArrayList<>(data.size());
      this.labels = new int[data.size()];
      for (int i = 0; i < data.size(); i++) {
        this.images.add(data.image(i));
        this.labels[i] = data.label(i);
      }
    } else {
      this.images = IdxReader.readImages(images);
      this.labels = null;
    }
    this.loop = loop;
    this.description = "idx " + images.getFileName() + " (" + this.images.size() + " frames" + (loop ? ", loop)" : ")");
  }

  @Override
  public @Nullable SourceFrame next() {
    if (next >= images.size()) {
      if (!loop || images.isEmpty()) {
        return null;
      }
      next = 0;
    }
    int i = next++;
    return new SourceFrame(images.get(i), labels == null ? -1 : labels[i], null, "image " + i);
  }

  @Override
  public String describe() {
    return description;
  }
}
