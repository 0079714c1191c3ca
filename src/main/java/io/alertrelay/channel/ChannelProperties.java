package io.alertrelay.channel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One entry of alert-relay.channels, exactly as bound from YAML; {@link ChannelRegistry} validates it. */
public class ChannelProperties {

    private String id;
    private String kind;
    private boolean enabled = true;
    private Match match = new Match();
    private String rateLimit;
    private Template template = new Template();
    private Map<String, Object> config = new LinkedHashMap<>();
    private boolean silenceable = true;
    private List<String> muteTimeIntervals = new ArrayList<>();
    private List<String> activeTimeIntervals = new ArrayList<>();
    private String whenMuted;
    private String repeatInterval;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getKind() { return kind; }
    public void setKind(String kind) { this.kind = kind; }
    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public Match getMatch() { return match; }
    public void setMatch(Match match) { this.match = match; }
    public String getRateLimit() { return rateLimit; }
    public void setRateLimit(String rateLimit) { this.rateLimit = rateLimit; }
    public Template getTemplate() { return template; }
    public void setTemplate(Template template) { this.template = template; }
    public Map<String, Object> getConfig() { return config; }
    public void setConfig(Map<String, Object> config) { this.config = config; }
    public boolean isSilenceable() { return silenceable; }
    public void setSilenceable(boolean silenceable) { this.silenceable = silenceable; }
    public List<String> getMuteTimeIntervals() { return muteTimeIntervals; }
    public void setMuteTimeIntervals(List<String> muteTimeIntervals) { this.muteTimeIntervals = muteTimeIntervals; }
    public List<String> getActiveTimeIntervals() { return activeTimeIntervals; }
    public void setActiveTimeIntervals(List<String> activeTimeIntervals) { this.activeTimeIntervals = activeTimeIntervals; }
    public String getWhenMuted() { return whenMuted; }
    public void setWhenMuted(String whenMuted) { this.whenMuted = whenMuted; }
    public String getRepeatInterval() { return repeatInterval; }
    public void setRepeatInterval(String repeatInterval) { this.repeatInterval = repeatInterval; }

    public static class Match {
        private String minSeverity;
        private List<String> types = new ArrayList<>();
        private List<String> reasons = new ArrayList<>();
        private List<String> statuses = new ArrayList<>();
        private List<String> projects = new ArrayList<>();
        private Map<String, String> labels = new LinkedHashMap<>();

        public String getMinSeverity() { return minSeverity; }
        public void setMinSeverity(String minSeverity) { this.minSeverity = minSeverity; }
        public List<String> getTypes() { return types; }
        public void setTypes(List<String> types) { this.types = types; }
        public List<String> getReasons() { return reasons; }
        public void setReasons(List<String> reasons) { this.reasons = reasons; }
        public List<String> getStatuses() { return statuses; }
        public void setStatuses(List<String> statuses) { this.statuses = statuses; }
        public List<String> getProjects() { return projects; }
        public void setProjects(List<String> projects) { this.projects = projects; }
        public Map<String, String> getLabels() { return labels; }
        public void setLabels(Map<String, String> labels) { this.labels = labels; }
    }

    public static class Template {
        private String title;
        private String body;
        private String bodyFile;

        public String getTitle() { return title; }
        public void setTitle(String title) { this.title = title; }
        public String getBody() { return body; }
        public void setBody(String body) { this.body = body; }
        public String getBodyFile() { return bodyFile; }
        public void setBodyFile(String bodyFile) { this.bodyFile = bodyFile; }
    }
}
