package dev.longwatch.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reading synthesized templates: resources by type, and what an IAM role is allowed to do. */
final class Cfn {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Cfn() {
    }

    /** One allow statement of a role's policies: its actions, and its resources as JSON text. */
    record Grant(Set<String> actions, String resources) {
        boolean on(String logicalId) {
            return resources.contains(logicalId);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> resources(Template t, String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        t.findResources(type).forEach((id, r) -> out.put(id, (Map<String, Object>) r));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    static Map<String, Object> onlyResource(Template t, String type) {
        Map<String, Map<String, Object>> all = resources(t, type);
        if (all.size() != 1) {
            throw new AssertionError("expected one " + type + ", found " + all.keySet());
        }
        return all.values().iterator().next();
    }

    /** The one event source mapping whose target names the given logical id (a function's alias). */
    static Map<String, Object> mappingTo(Template t, String aliasLogicalId) {
        List<Map<String, Object>> found = resources(t, "AWS::Lambda::EventSourceMapping").values().stream()
                .map(Cfn::properties).filter(p -> json(p.get("FunctionName")).contains(aliasLogicalId)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one event source mapping to " + aliasLogicalId + ", found " + found);
        }
        return found.get(0);
    }

    /** The allow statements of every policy attached to the role with this logical id. */
    @SuppressWarnings("unchecked")
    static List<Grant> grantsOf(Template t, String roleLogicalId) {
        List<Grant> grants = new ArrayList<>();
        for (Map<String, Object> policy : resources(t, "AWS::IAM::Policy").values()) {
            Map<String, Object> p = properties(policy);
            if (!json(p.get("Roles")).contains("\"" + roleLogicalId + "\"")) {
                continue;
            }
            Map<String, Object> doc = (Map<String, Object>) p.get("PolicyDocument");
            for (Map<String, Object> st : (List<Map<String, Object>>) doc.get("Statement")) {
                if (!"Allow".equals(st.get("Effect"))) {
                    continue;
                }
                Object a = st.get("Action");
                Set<String> actions = new LinkedHashSet<>(a instanceof List<?> l ? (List<String>) l : List.of((String) a));
                grants.add(new Grant(actions, json(st.get("Resource"))));
            }
        }
        return grants;
    }

    /** Every action granted to the role on resources mentioning {@code logicalId}. */
    static Set<String> actionsOn(List<Grant> grants, String logicalId) {
        Set<String> out = new LinkedHashSet<>();
        for (Grant g : grants) {
            if (g.on(logicalId)) {
                out.addAll(g.actions());
            }
        }
        return out;
    }

    static Set<String> allActions(List<Grant> grants) {
        Set<String> out = new LinkedHashSet<>();
        grants.forEach(g -> out.addAll(g.actions()));
        return out;
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
