//! The effective policy of a workload: exemptions, its Namespace's labels, the command line,
//! the nearest `.podsec.yaml`, the editor's settings, in that order of precedence.

mod config;
mod location;
mod namespace;
mod policy;

pub use config::{CONFIG_FILE_NAME, Config, ConfigError, find_config, parse_config};
pub use location::{Location, Position, TextRange, position};
pub use namespace::{DocumentPlace, LabelProblem, NamespaceDecl, read_namespace};
pub use policy::{
    EffectivePolicy, LABEL_PREFIX, LabelError, Mode, ModePolicy, PartialPolicy, PolicyLabel,
    Source, label_value_error, layered_defaults, policy_to_evaluate,
};

/// Namespaces the workspace declares, by name.
pub trait NamespaceLookup {
    fn namespace(&self, name: &str) -> Option<&NamespaceDecl>;
}

impl NamespaceLookup for std::collections::HashMap<String, NamespaceDecl> {
    fn namespace(&self, name: &str) -> Option<&NamespaceDecl> {
        self.get(name)
    }
}

/// What decides a workload's policy.
pub struct Resolver<'a> {
    pub namespaces: &'a dyn NamespaceLookup,
    pub config: Option<&'a Config>,
    pub flags: &'a PartialPolicy,
    pub settings: &'a PartialPolicy,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Not evaluated: the config exempts its namespace or runtime class.
    Exempt {
        reason: String,
        location: Location,
    },
    Evaluate(Box<EffectivePolicy>),
}

impl Resolver<'_> {
    pub fn resolve(&self, namespace: Option<&str>, runtime_class: Option<&str>) -> Resolution {
        if let Some(config) = self.config {
            let exempt = |list: &[(String, Location)], name: Option<&str>| {
                let name = name?;
                list.iter().find(|(n, _)| n == name).map(|(_, l)| l.clone())
            };
            if let Some(location) = exempt(&config.exempt_namespaces, namespace) {
                return Resolution::Exempt {
                    reason: format!("namespace \"{}\" is exempt", namespace.unwrap_or_default()),
                    location,
                };
            }
            if let Some(location) = exempt(&config.exempt_runtime_classes, runtime_class) {
                return Resolution::Exempt {
                    reason: format!(
                        "runtime class \"{}\" is exempt",
                        runtime_class.unwrap_or_default()
                    ),
                    location,
                };
            }
        }
        let empty = PartialPolicy::default();
        let config_defaults = self.config.map_or(&empty, |c| &c.defaults);
        let layers = [self.flags, config_defaults, self.settings];
        // A manifest in the workspace wins over the config's description of the cluster.
        let declared = namespace.and_then(|name| {
            self.namespaces.namespace(name).or_else(|| {
                self.config
                    .and_then(|c| c.namespaces.iter().find(|n| n.name == name))
            })
        });
        match declared {
            // The cluster's defaults, then the Namespace's labels: podsec's own fallback does not
            // apply to a Namespace whose labels are known.
            Some(decl) => {
                let defaults = layered_defaults(&layers, false);
                let (policy, _) =
                    policy_to_evaluate(&decl.name, &decl.labels, defaults, decl.from_config);
                Resolution::Evaluate(Box::new(policy))
            }
            None => Resolution::Evaluate(Box::new(layered_defaults(&layers, true))),
        }
    }
}
