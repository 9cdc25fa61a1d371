package io.driftline.catalog.match;

import io.driftline.catalog.vocab.VersionRef;
import io.driftline.core.update.Precision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Two-way matchmaking between model versions and devices, and fleet inventory, over the
 * {@link CapabilityIndex}. The rules (docs/semantic-catalog.md):
 *
 * <ul>
 *   <li>a device's compute budget per frame is {@code macsPerSecond / framesPerSecond};
 *   <li>a <b>student</b> fits a device that supports its precision (FP32 if none is declared), has
 *       flash for its bytes, a per-frame budget for its MACs, and a sensor at least as large as its
 *       input in width, height and channels;
 *   <li>the <b>adaptor budget</b> of a device for a student is {@code min(ram, flash - student bytes)}
 *       bytes and {@code per-frame budget - student MACs} MACs, at the device's precisions;
 *   <li>a <b>bundle</b> fits a device that runs the bundle's student, supports the bundle's precision,
 *       and whose adaptor budget for that student covers the bundle's adaptor bytes and MACs;
 *   <li>a teacher runs in the cloud and fits no device; revoked devices fit nothing.
 * </ul>
 */
public final class Matchmaker {

  private final CapabilityIndex index;
  private final double framesPerSecond;

  /**
   * Creates the matchmaker.
   *
   * @param framesPerSecond the frame rate a device must sustain, which turns MAC/s into a per-frame budget
   */
  public Matchmaker(CapabilityIndex index, double framesPerSecond) {
    if (!(framesPerSecond > 0)) {
      throw new IllegalArgumentException("framesPerSecond must be > 0, got " + framesPerSecond);
    }
    this.index = index;
    this.framesPerSecond = framesPerSecond;
  }

  /**
   * Finds the devices that can run {@code ref}.
   *
   * @param limit how many device ids to list (all matches are counted)
   * @return null if the version is not in the catalog
   */
  public @Nullable ArtefactMatch devicesFor(VersionRef ref, int limit) {
    ArtefactProfile artefact = index.artefact(ref);
    if (artefact == null) {
      return null;
    }
    ArtefactProfile student = artefact.isBundle() && artefact.student() != null
        ? index.artefact(artefact.student()) : null;
    List<String> listed = new ArrayList<>(Math.min(limit, 1024));
    int count = 0;
    for (DeviceProfile device : index.devices()) {
      if (fits(artefact, student, device)) {
        if (count < limit) {
          listed.add(device.deviceId());
        }
        count++;
      }
    }
    return new ArtefactMatch(ref, artefact.kind(), count, listed);
  }

  /**
   * Finds the students that fit {@code deviceId}, each with the adaptor budget it leaves, and the
   * bundles the device could install now.
   *
   * @return null if the device is not in the catalog
   */
  public @Nullable DeviceMatch fitFor(String deviceId) {
    DeviceProfile device = index.device(deviceId);
    if (device == null) {
      return null;
    }
    List<StudentFit> students = new ArrayList<>();
    List<VersionRef> bundles = new ArrayList<>();
    for (ArtefactProfile artefact : index.artefacts()) {
      if (artefact.isStudent() && studentFits(artefact, device)) {
        students.add(new StudentFit(artefact.ref(), artefact.ref().equals(device.student()),
            budget(device, artefact)));
      } else if (artefact.isBundle()) {
        ArtefactProfile student = artefact.student() == null ? null : index.artefact(artefact.student());
        if (fits(artefact, student, device)) {
          bundles.add(artefact.ref());
        }
      }
    }
    Comparator<VersionRef> order = Comparator.comparing(VersionRef::name).thenComparingLong(VersionRef::version);
    students.sort(Comparator.comparing(StudentFit::student, order));
    bundles.sort(order);
    ArtefactProfile current = device.student() == null ? null : index.artefact(device.student());
    AdaptorBudget currentBudget = device.revoked() ? null : budget(device, current);
    return new DeviceMatch(deviceId, device.revoked(), device.student(), currentBudget, students, bundles);
  }

  /** Counts the fleet's active devices by class, sensor shape and supported precision. */
  public Inventory inventory() {
    Map<String, Integer> byClass = new TreeMap<>();
    Map<String, Integer> bySensor = new TreeMap<>();
    Map<String, Integer> byPrecision = new TreeMap<>();
    Map<String, Integer> byStudent = new TreeMap<>();
    int active = 0;
    int revoked = 0;
    for (DeviceProfile device : index.devices()) {
      if (device.revoked()) {
        revoked++;
        continue;
      }
      active++;
      byClass.merge(device.deviceClass(), 1, Integer::sum);
      device.sensors().stream().map(DeviceProfile.Sensor::shape).distinct()
          .forEach(shape -> bySensor.merge(shape, 1, Integer::sum));
      device.precisions().forEach(p -> byPrecision.merge(p.name(), 1, Integer::sum));
      if (device.student() != null) {
        byStudent.merge(device.student().toString(), 1, Integer::sum);
      }
    }
    return new Inventory(active, revoked, index.artefacts().size(), byClass, bySensor, byPrecision, byStudent);
  }

  private boolean fits(ArtefactProfile artefact, @Nullable ArtefactProfile student, DeviceProfile device) {
    if (artefact.isStudent()) {
      return studentFits(artefact, device);
    }
    if (!artefact.isBundle() || device.revoked() || artefact.student() == null
        || !artefact.student().equals(device.student())
        || !device.precisions().contains(artefact.requiredPrecision())) {
      return false;
    }
    AdaptorBudget budget = budget(device, student);
    return artefact.adaptorBytes() <= budget.maxAdaptorBytes() && artefact.macs() <= budget.maxAdaptorMacs();
  }

  private boolean studentFits(ArtefactProfile student, DeviceProfile device) {
    if (device.revoked() || !device.precisions().contains(student.requiredPrecision())
        || student.sizeBytes() > device.flashBytes() || student.macs() > macsPerFrame(device)) {
      return false;
    }
    for (DeviceProfile.Sensor sensor : device.sensors()) {
      if (sensor.width() >= student.inputWidth() && sensor.height() >= student.inputHeight()
          && sensor.channels() >= student.inputChannels()) {
        return true;
      }
    }
    return false;
  }

  /** The adaptor budget {@code student} leaves on {@code device}; an unknown student counts as empty. */
  private AdaptorBudget budget(DeviceProfile device, @Nullable ArtefactProfile student) {
    long studentBytes = student == null ? 0 : student.sizeBytes();
    long studentMacs = student == null ? 0 : student.macs();
    Set<Precision> precisions = device.precisions().isEmpty()
        ? EnumSet.noneOf(Precision.class) : EnumSet.copyOf(device.precisions());
    return new AdaptorBudget(Math.max(0, Math.min(device.ramBytes(), device.flashBytes() - studentBytes)),
        Math.max(0, macsPerFrame(device) - studentMacs), List.copyOf(precisions));
  }

  private long macsPerFrame(DeviceProfile device) {
    return (long) Math.floor(device.macsPerSecond() / framesPerSecond);
  }

  /**
   * The devices that can run an artefact.
   *
   * @param artefact the version
   * @param kind student, teacher or bundle
   * @param deviceCount how many devices can run it
   * @param devices the first of them, in id order
   */
  public record ArtefactMatch(VersionRef artefact, String kind, int deviceCount, List<String> devices) {}

  /**
   * What fits a device.
   *
   * @param deviceId the device
   * @param revoked whether it is revoked (nothing fits then)
   * @param currentStudent the student it runs
   * @param currentBudget the adaptor budget its current student leaves, or null if revoked
   * @param students the students that fit it, each with its adaptor budget
   * @param bundles the bundles it could install now (for its current student)
   */
  public record DeviceMatch(String deviceId, boolean revoked, @Nullable VersionRef currentStudent,
      @Nullable AdaptorBudget currentBudget, List<StudentFit> students, List<VersionRef> bundles) {}

  /**
   * A student that fits a device.
   *
   * @param student the student version
   * @param current whether the device runs it now
   * @param adaptorBudget what it leaves for adaptors
   */
  public record StudentFit(VersionRef student, boolean current, AdaptorBudget adaptorBudget) {}

  /**
   * Room for adaptors on a device next to one student.
   *
   * @param maxAdaptorBytes bytes of adaptor weights that fit
   * @param maxAdaptorMacs multiply-accumulates per frame the adaptors may add
   * @param precisions weight precisions the device runs
   */
  public record AdaptorBudget(long maxAdaptorBytes, long maxAdaptorMacs, List<Precision> precisions) {}

  /**
   * Fleet counts.
   *
   * @param devices active (not revoked) devices
   * @param revoked revoked devices
   * @param modelVersions model versions in the catalog
   * @param byClass active devices per class
   * @param bySensor active devices per sensor shape ({@code camera 96x96x3})
   * @param byPrecision active devices per supported precision
   * @param byStudent active devices per student they run
   */
  public record Inventory(int devices, int revoked, int modelVersions, Map<String, Integer> byClass,
      Map<String, Integer> bySensor, Map<String, Integer> byPrecision, Map<String, Integer> byStudent) {}
}
