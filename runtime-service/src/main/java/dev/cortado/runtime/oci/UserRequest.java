package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.SupplementalGroupsPolicy;

import java.util.ArrayList;
import java.util.List;

/**
 * Who the container asks to run as, before the image's /etc/passwd and /etc/group are read:
 * the security context's run_as_username or run_as_user (with run_as_group), else the image's
 * User ("name", "uid", "name:group", "uid:gid", ...), else root.
 *
 * @param user                a name or a decimal uid
 * @param group               a name or a decimal gid, or null for the user's primary group
 * @param userField           the field {@code user} came from, for messages
 * @param groupField          the field {@code group} came from, for messages
 * @param supplementalGroups  the security context's supplemental_groups
 * @param imageGroups         add the groups /etc/group lists the user in (policy Merge)
 */
public record UserRequest(String user, String group, String userField, String groupField,
                          List<Long> supplementalGroups, boolean imageGroups) {

    static final String CONTEXT = "linux.security_context.";

    public UserRequest {
        supplementalGroups = List.copyOf(supplementalGroups);
    }

    public static UserRequest of(LinuxContainerSecurityContext context, String imageUser) {
        String user;
        String userField;
        String group = null;
        String groupField = null;
        if (!context.getRunAsUsername().isEmpty()) {
            user = InvalidField.noNul(CONTEXT + "run_as_username", context.getRunAsUsername());
            userField = CONTEXT + "run_as_username";
        } else if (context.hasRunAsUser()) {
            user = Long.toString(InvalidField.id(CONTEXT + "run_as_user", context.getRunAsUser().getValue()));
            userField = CONTEXT + "run_as_user";
        } else {
            user = null;
            userField = null;
        }
        if (context.hasRunAsGroup()) {
            if (user == null) {
                throw InvalidField.of(CONTEXT + "run_as_group",
                        "is set without run_as_user or run_as_username");
            }
            group = Long.toString(InvalidField.id(CONTEXT + "run_as_group", context.getRunAsGroup().getValue()));
            groupField = CONTEXT + "run_as_group";
        }
        if (user == null && imageUser != null && !imageUser.isEmpty()) {
            InvalidField.noNul("image config User", imageUser);
            int colon = imageUser.indexOf(':');
            user = colon < 0 ? imageUser : imageUser.substring(0, colon);
            group = colon < 0 || colon == imageUser.length() - 1 ? null : imageUser.substring(colon + 1);
            userField = "image config User \"" + imageUser + "\"";
            groupField = userField;
        }
        if (user == null || user.isEmpty()) {
            user = "0";
            userField = userField == null ? "user" : userField;
        }
        List<Long> supplemental = new ArrayList<>();
        List<Long> requested = context.getSupplementalGroupsList();
        for (int i = 0; i < requested.size(); i++) {
            supplemental.add(InvalidField.id(CONTEXT + "supplemental_groups[" + i + "]", requested.get(i)));
        }
        boolean merge = context.getSupplementalGroupsPolicy() != SupplementalGroupsPolicy.Strict;
        return new UserRequest(user, group, userField, groupField, supplemental, merge);
    }
}
