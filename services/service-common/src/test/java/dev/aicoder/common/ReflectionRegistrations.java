package dev.aicoder.common;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds the types a native executable could not serialize: Jackson builds records and reads their
 * components by reflection, which a native image allows only for registered classes. Quarkus
 * registers the types in REST method signatures itself, but not those reached through {@code
 * Response.entity}, an {@code ObjectMapper} or a plain-Java module, so every record and
 * Jackson-annotated type of the scanned modules must be registered with {@link
 * RegisterForReflection} (on itself, or as a target of one in a scanned module, nested classes
 * included unless {@code ignoreNested}) or be named as never serialized.
 */
public final class ReflectionRegistrations {

  private ReflectionRegistrations() {}

  /**
   * The serializable types of the modules that hold {@code modules} (one class of each) that
   * nothing registers for reflection, by binary name.
   *
   * @param notSerialized binary names of records used only in process (each must exist)
   */
  public static SortedSet<String> missing(List<Class<?>> modules, Set<String> notSerialized) {
    List<Class<?>> classes = new ArrayList<>();
    for (Class<?> module : modules) {
      classes.addAll(classesBeside(module));
    }
    Set<String> registered = new HashSet<>();
    for (Class<?> c : classes) {
      RegisterForReflection registration = c.getAnnotation(RegisterForReflection.class);
      if (registration != null) {
        List<Class<?>> targets = new ArrayList<>(Arrays.asList(registration.targets()));
        if (targets.isEmpty() && registration.classNames().length == 0) {
          targets.add(c);
        }
        for (String name : registration.classNames()) {
          targets.add(load(name, c.getClassLoader()));
        }
        for (Class<?> target : targets) {
          register(target, !registration.ignoreNested(), registered);
        }
      }
    }
    SortedSet<String> missing = new TreeSet<>();
    Set<String> unknown = new TreeSet<>(notSerialized);
    for (Class<?> c : classes) {
      unknown.remove(c.getName());
      if (serializable(c) && !registered.contains(c.getName())) {
        missing.add(c.getName());
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("Named as not serialized but not found: " + unknown);
    }
    missing.removeAll(notSerialized);
    return missing;
  }

  /** As Quarkus does: the class, and its member classes unless told to ignore them. */
  private static void register(Class<?> c, boolean nested, Set<String> registered) {
    registered.add(c.getName());
    if (nested) {
      for (Class<?> member : c.getDeclaredClasses()) {
        register(member, true, registered);
      }
    }
  }

  private static boolean serializable(Class<?> c) {
    if (c.isRecord()) {
      return true;
    }
    for (Annotation a : c.getDeclaredAnnotations()) {
      if (a.annotationType().getPackageName().startsWith("com.fasterxml.jackson.annotation")) {
        return true;
      }
    }
    return false;
  }

  /** Every class of the directory or jar {@code anchor} was loaded from. */
  private static List<Class<?>> classesBeside(Class<?> anchor) {
    Path location;
    try {
      location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<String> names = new ArrayList<>();
    try {
      if (Files.isDirectory(location)) {
        try (Stream<Path> files = Files.walk(location)) {
          files
              .map(location::relativize)
              .map(Path::toString)
              .forEach(
                  name -> names.add(name.replace(location.getFileSystem().getSeparator(), "/")));
        }
      } else {
        try (JarFile jar = new JarFile(location.toFile())) {
          jar.stream().forEach(entry -> names.add(entry.getName()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Class<?>> classes = new ArrayList<>();
    for (String name : names) {
      if (name.endsWith(".class") && !name.endsWith("-info.class")) {
        String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
        classes.add(load(className, anchor.getClassLoader()));
      }
    }
    return classes;
  }

  private static Class<?> load(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Cannot load " + name, e);
    }
  }
}
