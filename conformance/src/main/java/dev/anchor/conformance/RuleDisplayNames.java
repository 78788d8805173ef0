package dev.anchor.conformance;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGenerator;

/** Shows each test as its rule: {@code UPG-03 required: a non-101 answer reaches ...}. */
public final class RuleDisplayNames extends DisplayNameGenerator.Standard {
    @Override
    public String generateDisplayNameForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
        Conforms rule = testMethod.getAnnotation(Conforms.class);
        return rule == null
                ? super.generateDisplayNameForMethod(enclosingInstanceTypes, testClass, testMethod)
                : rule.value().title();
    }
}
