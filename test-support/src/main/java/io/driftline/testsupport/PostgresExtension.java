package io.driftline.testsupport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Creates the database of a {@link RealPostgres} class before its tests and drops it after them. */
final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final Map<Class<?>, TestDatabase> DATABASES = new ConcurrentHashMap<>();

  /** The database of a test class, created on first request (Spring may ask before beforeAll). */
  static TestDatabase databaseOf(Class<?> testClass) {
    return DATABASES.computeIfAbsent(
        testClass, c -> PostgresTestServer.shared().createDatabase(c.getSimpleName()));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    databaseOf(context.getRequiredTestClass());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TestDatabase database = DATABASES.remove(context.getRequiredTestClass());
    if (database != null) {
      database.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return databaseOf(context.getRequiredTestClass());
  }
}
