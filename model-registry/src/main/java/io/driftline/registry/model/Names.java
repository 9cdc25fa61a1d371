package io.driftline.registry.model;

import java.util.regex.Pattern;

/** Checks the names the API accepts for models, aliases, tags and labels. */
public final class Names {

  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9-]{0,63}");

  private Names() {}

  /** Checks a model name: letters, digits, '.', '_' or '-', at most 128, starting alphanumeric. */
  public static String model(String name) {
    if (!MODEL.matcher(name).matches()) {
      throw RegistryException.badRequest("model name '" + name + "' is invalid: use 1-128 letters, "
          + "digits, '.', '_' or '-', starting with a letter or digit");
    }
    return name;
  }

  /** Checks an alias: lower-case letters, digits and '-', starting with a letter, at most 64. */
  public static String alias(String alias) {
    if (!ALIAS.matcher(alias).matches()) {
      throw RegistryException.badRequest("alias '" + alias + "' is invalid: use 1-64 lower-case "
          + "letters, digits or '-', starting with a letter (e.g. production, candidate)");
    }
    return alias;
  }

  /** Checks a free-text key (tag, label): non-blank, at most 128 characters. */
  public static String key(String what, String key) {
    if (key.isBlank() || key.length() > 128) {
      throw RegistryException.badRequest(what + " key must be 1-128 characters, got '" + key + "'");
    }
    return key;
  }
}
