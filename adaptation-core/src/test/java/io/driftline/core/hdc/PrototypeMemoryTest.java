package io.driftline.core.hdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrototypeMemoryTest {

  @Test
  void majorityOfAHandExample() {
    PrototypeMemory memory = new PrototypeMemory(8);
    memory.add("a", TestVectors.ofBits(8, 0, 1, 2, 3)); // 0b00001111
    memory.add("a", TestVectors.ofBits(8, 0, 1, 4, 5)); // 0b00110011
    memory.add("a", TestVectors.ofBits(8, 0, 2, 4, 6)); // 0b01010101
    // per-bit set counts 3,2,2,1,2,1,1,0 of 3 -> bits 0,1,2,4
    assertThat(memory.prototype("a")).contains(TestVectors.ofBits(8, 0, 1, 2, 4));
    assertThat(memory.count("a")).isEqualTo(3);
    assertThat(memory.prototype("missing")).isEmpty();
  }

  @Test
  void tiesAreDecidedByTheSeededPatternTheSameWayEveryTime() {
    Hypervector tie = CountingBundle.tieBreakPattern(8, 99);
    PrototypeMemory memory = new PrototypeMemory(8, 99);
    memory.add("a", TestVectors.ofBits(8, 0, 1, 2, 3));
    memory.add("a", TestVectors.ofBits(8, 0, 1));
    Hypervector prototype = memory.prototype("a").orElseThrow();
    assertThat(prototype.bit(0)).isTrue();
    assertThat(prototype.bit(1)).isTrue();
    assertThat(prototype.bit(2)).isEqualTo(tie.bit(2)); // 1 of 2: a tie
    assertThat(prototype.bit(3)).isEqualTo(tie.bit(3));
    for (int d = 4; d < 8; d++) {
      assertThat(prototype.bit(d)).isFalse();
    }

    // Complementary vectors tie everywhere: the prototype is the pattern, about half ones (unbiased).
    SplittableRandom random = new SplittableRandom(1);
    Hypervector x = TestVectors.random(1000, random);
    long[] inverted = x.words().clone();
    for (int w = 0; w < inverted.length; w++) {
      inverted[w] = ~inverted[w];
    }
    inverted[inverted.length - 1] &= (1L << (1000 % 64)) - 1;
    Hypervector notX = new Hypervector(1000, inverted);
    PrototypeMemory first = new PrototypeMemory(1000, 5);
    PrototypeMemory second = new PrototypeMemory(1000, 5);
    PrototypeMemory otherSeed = new PrototypeMemory(1000, 6);
    for (PrototypeMemory m : List.of(first, second, otherSeed)) {
      m.add("t", x);
      m.add("t", notX);
    }
    Hypervector p = first.prototype("t").orElseThrow();
    assertThat(p).isEqualTo(second.prototype("t").orElseThrow()).isEqualTo(CountingBundle.tieBreakPattern(1000, 5));
    assertThat(p.popCount()).isBetween(440, 560);
    assertThat(otherSeed.prototype("t").orElseThrow().hammingSimilarity(p)).isCloseTo(0.5, within(0.06));
  }

  @Test
  void prototypeOfNoisyCopiesRecoversTheSource() {
    SplittableRandom random = new SplittableRandom(2);
    Hypervector source = TestVectors.random(10_000, random);
    PrototypeMemory memory = new PrototypeMemory(10_000);
    for (int i = 0; i < 51; i++) {
      Hypervector copy = TestVectors.noisyCopy(source, 0.2, random);
      assertThat(copy.hammingSimilarity(source)).isCloseTo(0.8, within(0.02));
      memory.add("shirt", copy);
    }
    // A bit is wrong only if 26 of 51 copies flipped it: P ~ 1e-7 per bit, so none of 10,000 is.
    assertThat(memory.prototype("shirt")).contains(source);
  }

  @Test
  void incrementalAddsAndMergesAgreeWithAddingEverythingToOneMemory() {
    SplittableRandom random = new SplittableRandom(3);
    PrototypeMemory all = new PrototypeMemory(300);
    PrototypeMemory left = new PrototypeMemory(300);
    PrototypeMemory right = new PrototypeMemory(300);
    String[] labels = {"fog", "night", "rain"};
    for (int i = 0; i < 60; i++) {
      String label = labels[random.nextInt(labels.length)];
      Hypervector hv = TestVectors.random(300, random);
      all.add(label, hv);
      (i % 3 == 0 ? left : right).add(label, hv);
      // The cached prototype follows every update.
      CountingBundle expected = all.bundle(label).orElseThrow();
      assertThat(all.prototype(label)).contains(expected.majority(CountingBundle.tieBreakPattern(300, all.tieBreakSeed())));
    }
    PrototypeMemory leftBefore = left.copy();
    PrototypeMemory merged = left.merge(right);
    assertThat(merged).isEqualTo(all).isEqualTo(right.merge(left));
    assertThat(left).as("inputs unchanged").isEqualTo(leftBefore);
    for (String label : labels) {
      assertThat(merged.prototype(label)).isEqualTo(all.prototype(label));
      assertThat(merged.count(label)).isEqualTo(left.count(label) + right.count(label));
    }
    assertThatThrownBy(() -> all.merge(new PrototypeMemory(301))).hasMessageContaining("dimension");
    assertThatThrownBy(() -> all.merge(new PrototypeMemory(300, 1))).hasMessageContaining("tie-break");
  }

  @Test
  void nearestAndAllSimilarities() {
    SplittableRandom random = new SplittableRandom(4);
    PrototypeMemory memory = new PrototypeMemory(10_000);
    assertThat(memory.nearest(TestVectors.random(10_000, random))).isEmpty();
    Hypervector a = TestVectors.random(10_000, random);
    Hypervector b = TestVectors.random(10_000, random);
    Hypervector c = TestVectors.random(10_000, random);
    memory.add("c", c);
    memory.add("a", a);
    memory.add("b", b);
    Hypervector query = TestVectors.noisyCopy(b, 0.1, random);
    PrototypeMatch nearest = memory.nearest(query).orElseThrow();
    assertThat(nearest.label()).isEqualTo("b");
    assertThat(nearest.similarity()).isEqualTo(query.hammingSimilarity(b));
    List<PrototypeMatch> all = memory.similarities(query);
    assertThat(all).extracting(PrototypeMatch::label).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(all.get(0)).isEqualTo(nearest);
    assertThat(all.get(1).similarity()).isGreaterThanOrEqualTo(all.get(2).similarity()).isCloseTo(0.5, within(0.03));
    assertThat(memory.labels()).containsExactly("a", "b", "c");

    PrototypeMemory twins = new PrototypeMemory(10_000);
    twins.add("zeta", a);
    twins.add("alpha", a);
    assertThat(twins.nearest(a).orElseThrow().label()).isEqualTo("alpha");
    assertThatThrownBy(() -> memory.nearest(TestVectors.random(64, random))).hasMessageContaining("dimension");
    assertThatThrownBy(() -> memory.add(" ", a)).hasMessageContaining("label");
  }

  @Test
  void saveAndLoadKeepEveryCounter(@TempDir Path dir) throws IOException {
    SplittableRandom random = new SplittableRandom(5);
    PrototypeMemory memory = new PrototypeMemory(777, 123);
    Hypervector source = TestVectors.random(777, random);
    for (int i = 0; i < 300; i++) { // 300 > 255: two-byte counters
      memory.add("many", TestVectors.noisyCopy(source, 0.3, random));
    }
    memory.add("one", TestVectors.random(777, random));
    memory.add("é-unicode", TestVectors.random(777, random));
    Path file = dir.resolve("classes.hdcp");
    memory.save(file);
    PrototypeMemory loaded = PrototypeMemory.load(file);
    assertThat(loaded).isEqualTo(memory);
    assertThat(loaded.tieBreakSeed()).isEqualTo(123);
    for (String label : memory.labels()) {
      assertThat(loaded.prototype(label)).isEqualTo(memory.prototype(label));
    }
    // From the documented layout: container 10 + 4 bytes; payload 16 bytes, then per label
    // (2 + UTF-8 bytes of the label) + 4 (count) + 1 (width) + width * 777, where "many" (300
    // vectors) needs 2-byte counters and the others 1-byte ones.
    int unicodeLabelBytes = "é-unicode".getBytes(StandardCharsets.UTF_8).length;
    long expected = 10 + 4 + 16
        + (2 + 4 + 5 + 2 * 777) + (2 + 3 + 5 + 777) + (2 + unicodeLabelBytes + 5 + 777);
    assertThat(Files.size(file)).isEqualTo(expected);

    PrototypeMemory empty = new PrototypeMemory(64);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    empty.write(out);
    assertThat(PrototypeMemory.read(new ByteArrayInputStream(out.toByteArray()), "s")).isEqualTo(empty);
  }

  @Test
  void damagedFilesAreRejectedWithTheReason() throws IOException {
    PrototypeMemory memory = new PrototypeMemory(100);
    memory.add("x", TestVectors.random(100, new SplittableRandom(6)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    memory.write(out);
    byte[] bytes = out.toByteArray();
    for (int length = 0; length < bytes.length; length += 7) {
      byte[] prefix = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> PrototypeMemory.read(new ByteArrayInputStream(prefix), "classes.hdcp"))
          .as("prefix of %d bytes", length)
          .isInstanceOf(HdcFormatException.class)
          .hasMessageContaining("classes.hdcp")
          .hasMessageContaining("truncated");
    }
    byte[] flipped = bytes.clone();
    flipped[bytes.length - 20] ^= 1;
    assertThatThrownBy(() -> PrototypeMemory.read(new ByteArrayInputStream(flipped), "classes.hdcp"))
        .isInstanceOf(HdcFormatException.class).hasMessageContaining("checksum");
    byte[] garbage = new byte[64];
    new SplittableRandom(7).nextBytes(garbage);
    assertThatThrownBy(() -> PrototypeMemory.read(new ByteArrayInputStream(garbage), "classes.hdcp"))
        .isInstanceOf(HdcFormatException.class).hasMessageContaining("not a Driftline HDC prototype memory");

    // A well-formed container whose counter exceeds the label's vector count.
    byte[] payload = HdcFormat.payload(data -> {
      data.writeInt(8);
      data.writeLong(0);
      data.writeInt(1);
      data.writeUTF("x");
      data.writeInt(2);
      data.writeByte(1);
      data.write(new byte[] {0, 1, 2, 3, 0, 0, 0, 0});
    });
    ByteArrayOutputStream crafted = new ByteArrayOutputStream();
    HdcFormat.write(crafted, PrototypeMemory.MAGIC, PrototypeMemory.VERSION, payload);
    assertThatThrownBy(() -> PrototypeMemory.read(new ByteArrayInputStream(crafted.toByteArray()), "m"))
        .isInstanceOf(HdcFormatException.class).hasMessageContaining("holds only 2");
  }
}
