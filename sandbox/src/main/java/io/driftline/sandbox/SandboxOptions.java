package io.driftline.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The sandbox's command line. Every option {@code --some-option VALUE} (or {@code --some-option=VALUE})
 * may also come from the environment as {@code DRIFTLINE_SANDBOX_SOME_OPTION}; the command line wins.
 *
 * @param devices simulated devices (at least 1)
 * @param scenario scenario file, or null for the default scenario
 * @param dataset a folder with IDX files or class-per-folder images to play instead of Fashion-MNIST, or null
 * @param student an ONNX student to run on every device instead of the reference students, or null
 * @param preprocessing preprocessing of that student, {@code scale=255,mean=...,std=...}, or null (the model's own metadata)
 * @param models folder of the reference models (bootstrapped there when missing)
 * @param quickModels bootstrap missing models with the short test profile (minutes less, accuracy lower)
 * @param out folder for the report and the run's files
 * @param services folder holding the services' executable jars, or null to find them in the repository
 * @param framesPerSecond frame rate of every device
 * @param windowFrames frames per telemetry window
 * @param rounds how often each device plays its stream
 * @param exitWhenDone exit after the report instead of waiting for Ctrl-C
 * @param postgresUrl JDBC URL of a PostgreSQL database to use (user and password in it), or null to look for one
 * @param embeddedPostgres skip the local server and start an embedded PostgreSQL (not as root)
 * @param attach use running services instead of starting them (docker-compose)
 * @param kafka Kafka bootstrap servers (attach mode)
 * @param registryUrl model registry base URL (attach mode)
 * @param catalogUrl semantic catalog base URL (attach mode)
 * @param teacherUrl cloud teacher base URL (attach mode)
 * @param adminToken the registry's admin token (attach mode; made up when the sandbox starts the registry)
 * @param teacherToken the teacher's operator token (attach mode)
 * @param scale light simulated devices of the scale run ({@code io.driftline.sandbox.scale}), 0 for the normal sandbox
 * @param scaleSeconds how long the scale run plays its light devices
 */
public record SandboxOptions(
    int devices,
    @Nullable Path scenario,
    @Nullable Path dataset,
    @Nullable Path student,
    @Nullable String preprocessing,
    Path models,
    boolean quickModels,
    Path out,
    @Nullable Path services,
    double framesPerSecond,
    int windowFrames,
    int rounds,
    boolean exitWhenDone,
    @Nullable String postgresUrl,
    boolean embeddedPostgres,
    boolean attach,
    @Nullable String kafka,
    @Nullable String registryUrl,
    @Nullable String catalogUrl,
    @Nullable String teacherUrl,
    @Nullable String adminToken,
    @Nullable String teacherToken,
    int scale,
    int scaleSeconds) {

  /** Prefix of the environment variables that stand for options. */
  public static final String ENV_PREFIX = "DRIFTLINE_SANDBOX_";

  private static final List<String> VALUED = List.of("devices", "scenario", "dataset", "student", "preprocessing",
      "models", "out", "services", "fps", "window-frames", "rounds", "postgres-url", "kafka", "registry-url", "catalog-url",
      "teacher-url", "admin-token", "teacher-token", "scale", "scale-seconds");
  private static final List<String> FLAGS = List.of("quick-models", "exit", "embedded-postgres", "attach", "help");

  /** The text {@code --help} prints. */
  public static final String USAGE = """
      Usage: java -jar sandbox.jar [options]
        Runs a simulated fleet on embedded Kafka, PostgreSQL and every Driftline service, plays a
        drift scenario and writes report.html and report.json.
      Options (each also as environment variable DRIFTLINE_SANDBOX_<OPTION>, e.g. DRIFTLINE_SANDBOX_DEVICES=6):
        --devices N            simulated devices, spread over three device classes (default 12)
        --scenario FILE        scenario file, YAML or JSON (default: the built-in default scenario)
        --dataset DIR          use another data set instead of Fashion-MNIST: IDX files (train-* and t10k-*)
                               or class-per-folder images in DIR/train and DIR/test
        --student FILE.onnx    run this student on every device instead of the reference students
        --preprocessing SPEC   that student's preprocessing: scale=255,mean=0.5,std=0.25 (default: from the model)
        --models DIR           reference models; bootstrapped there if missing (default models, or
                               models/<name of DIR> with --dataset)
        --quick-models         bootstrap missing models with the quick profile (seconds, lower accuracy)
        --out DIR              where the report and logs go (default sandbox-run)
        --services DIR         folder with the services' jars (default: <module>/target/ of the repository)
        --fps N                frames per second per device (default 25)
        --window-frames N      frames per telemetry window (default 25)
        --rounds N             times each device plays its stream (default 1)
        --exit                 exit after the report instead of waiting for Ctrl-C
        --postgres-url URL     PostgreSQL JDBC URL (default: 127.0.0.1:5432, user postgres, else an
                               embedded server for a user who is not root)
        --embedded-postgres    skip the local server and start an embedded PostgreSQL (not as root)
        --attach               use running services: needs --kafka, --registry-url, --catalog-url,
                               --teacher-url, --admin-token, --teacher-token
        --scale N              instead of the scenario run: the scale run with N light simulated devices
                               (docs/scale.md); writes scale.json into --out and exits
        --scale-seconds S      how long the scale run plays its devices (default 240)
        --help                 print this text
      """;

  /** Checks ranges and the attach-mode options. */
  public SandboxOptions {
    require(devices >= 1 && devices <= 1000, "--devices must be 1..1000, was " + devices);
    require(framesPerSecond > 0 && framesPerSecond <= 1000, "--fps must be in (0, 1000], was " + framesPerSecond);
    require(windowFrames >= 5 && windowFrames <= 10_000, "--window-frames must be 5..10000, was " + windowFrames);
    require(rounds >= 1 && rounds <= 100, "--rounds must be 1..100, was " + rounds);
    require(scale >= 0 && scale <= 10_000, "--scale must be 0..10000, was " + scale);
    require(scaleSeconds >= 10 && scaleSeconds <= 86_400, "--scale-seconds must be 10..86400, was " + scaleSeconds);
    require(scale == 0 || !attach, "--scale starts its own services; it does not work with --attach");
    if (attach) {
      for (var e : new Object[][] {{"--kafka", kafka}, {"--registry-url", registryUrl}, {"--catalog-url", catalogUrl},
          {"--teacher-url", teacherUrl}, {"--admin-token", adminToken}, {"--teacher-token", teacherToken}}) {
        require(e[1] != null && !e[1].toString().isBlank(), "--attach needs " + e[0]);
      }
    }
    for (String url : new String[] {registryUrl, catalogUrl, teacherUrl}) {
      require(url == null || url.startsWith("http://") || url.startsWith("https://"),
          "service URLs must start with http:// or https://, was '" + url + "'");
    }
    require(postgresUrl == null || postgresUrl.startsWith("jdbc:postgresql:"),
        "--postgres-url must be a jdbc:postgresql: URL, was '" + postgresUrl + "'");
    requireFile(scenario, "--scenario", false);
    requireFile(dataset, "--dataset", true);
    requireFile(student, "--student", false);
    requireFile(services, "--services", true);
    require(preprocessing == null || student != null, "--preprocessing needs --student");
    require(!(embeddedPostgres && postgresUrl != null), "--embedded-postgres and --postgres-url exclude each other");
  }

  /** A bad option or value; its message is one line for the user. */
  public static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Parses the command line, with the environment as fallback.
   *
   * @return the options, or null if {@code --help} was given
   * @throws UsageException naming the option that is wrong
   */
  public static @Nullable SandboxOptions parse(String[] args, Map<String, String> env) {
    Map<String, String> given = new LinkedHashMap<>();
    for (String name : concat(VALUED, FLAGS)) {
      String value = env.get(ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_'));
      if (value != null && !value.isBlank()) {
        given.put(name, value.trim());
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "' (options start with --; see --help)");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (FLAGS.contains(name)) {
        given.put(name, value == null ? "true" : value);
      } else if (VALUED.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = args[++i];
        }
        given.put(name, value);
      } else {
        throw new UsageException("unknown option --" + name + " (see --help)");
      }
    }
    if (flag(given, "help")) {
      return null;
    }
    try {
      return new SandboxOptions(
          integer(given, "devices", 12),
          path(given, "scenario"),
          path(given, "dataset"),
          path(given, "student"),
          given.get("preprocessing"),
          given.containsKey("models") ? Path.of(given.get("models"))
              : given.containsKey("dataset") ? Path.of("models", Path.of(given.get("dataset")).toAbsolutePath().normalize()
                  .getFileName().toString()) : Path.of("models"),
          flag(given, "quick-models"),
          Path.of(given.getOrDefault("out", "sandbox-run")),
          path(given, "services"),
          number(given, "fps", 25),
          integer(given, "window-frames", 25),
          integer(given, "rounds", 1),
          flag(given, "exit"),
          given.get("postgres-url"),
          flag(given, "embedded-postgres"),
          flag(given, "attach"),
          given.get("kafka"),
          given.get("registry-url"),
          given.get("catalog-url"),
          given.get("teacher-url"),
          given.get("admin-token"),
          given.get("teacher-token"),
          integer(given, "scale", 0),
          integer(given, "scale-seconds", 240));
    } catch (UsageException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static boolean flag(Map<String, String> given, String name) {
    String v = given.get(name);
    if (v == null) {
      return false;
    }
    if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) {
      return true;
    }
    if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) {
      return false;
    }
    throw new UsageException("--" + name + " takes true or false, was '" + v + "'");
  }

  private static int integer(Map<String, String> given, String name, int fallback) {
    String v = given.get(name);
    try {
      return v == null ? fallback : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, was '" + v + "'");
    }
  }

  private static double number(Map<String, String> given, String name, double fallback) {
    String v = given.get(name);
    try {
      return v == null ? fallback : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, was '" + v + "'");
    }
  }

  private static @Nullable Path path(Map<String, String> given, String name) {
    String v = given.get(name);
    return v == null ? null : Path.of(v);
  }

  private static void requireFile(@Nullable Path path, String option, boolean directory) {
    if (path != null) {
      require(directory ? Files.isDirectory(path) : Files.isRegularFile(path),
          option + " " + path + (directory ? " is not a folder" : " is not a readable file"));
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new UsageException(message);
    }
  }
}
