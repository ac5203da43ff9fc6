package dev.rag.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/**
 * The JVM's own copy of a test-support class. Quarkus loads test classes again in a new class
 * loader for each test profile, and closes the old one when it restarts the application, so a
 * static "shared" server held by one of those copies would be started again per profile (several
 * brokers in one heap) and would run on classes whose loader is closed. The copy in the system
 * class loader is loaded once and never closed: the servers shared by a JVM live there.
 */
final class SystemLoader {

  private SystemLoader() {}

  /**
   * Calls the static no-argument {@code method} of the system class loader's copy of {@code type}
   * and returns its result; empty when {@code type} is that copy (the caller does the work itself)
   * or when the system class loader cannot see the class.
   */
  static Optional<Object> call(Class<?> type, String method) {
    ClassLoader system = ClassLoader.getSystemClassLoader();
    if (type.getClassLoader() == system) {
      return Optional.empty();
    }
    Class<?> copy;
    try {
      copy = Class.forName(type.getName(), true, system);
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    }
    // What the call starts looks classes up through the context class loader (Kafka's plugins,
    // its logging) and its threads inherit that loader: all of it must be the system one.
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    thread.setContextClassLoader(system);
    try {
      return Optional.ofNullable(copy.getMethod(method).invoke(null));
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(type.getName() + "." + method + " failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot call " + type.getName() + "." + method, e);
    } finally {
      thread.setContextClassLoader(context);
    }
  }
}
