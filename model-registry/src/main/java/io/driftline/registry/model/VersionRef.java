package io.driftline.registry.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to one model version, written {@code <modelName>:<version>} (e.g.
 * {@code student-small:3}).
 *
 * @param name the model name
 * @param version the version, at least 1
 */
public record VersionRef(String name, int version) {

  private static final Pattern FORM = Pattern.compile("(.+):([1-9][0-9]{0,8})");

  /** Parses {@code name:version}, or fails with a 400 naming the field. */
  public static VersionRef parse(String field, String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw RegistryException.badRequest(
          field + " must be a model version written <name>:<version> (e.g. student-small:3), got '"
              + text + "'");
    }
    return new VersionRef(m.group(1), Integer.parseInt(m.group(2)));
  }

  @Override
  public String toString() {
    return name + ":" + version;
  }
}
