package io.driftline.catalog.vocab;

/**
 * A model version reference, written {@code "name:version"} as in the registry's payloads
 * (e.g. {@code student-small:3}).
 *
 * @param name the registered model's name
 * @param version the version number, at least 1
 */
public record VersionRef(String name, long version) {

  /** Checks the name and the version. */
  public VersionRef {
    if (name.isBlank()) {
      throw new IllegalArgumentException("model name must not be blank");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, got " + version);
    }
  }

  /**
   * Parses {@code "name:version"}; the name may itself contain colons, the version is after the last.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static VersionRef parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not a version reference \"name:version\"");
    }
    long version;
    try {
      version = Long.parseLong(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a version reference \"name:version\" "
          + "(the version must be a whole number)");
    }
    return new VersionRef(text.substring(0, colon), version);
  }

  /** Returns {@code "name:version"}. */
  @Override
  public String toString() {
    return name + ":" + version;
  }
}
