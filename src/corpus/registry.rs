//! The entity registry: every name of the corpus joined into canonical entities with aliases.
//!
//! Built from the per-document [`DocName`] lists in corpus order. Rules:
//! - a mention's own key (`liu he` for `Vice Premier Liu He` and `liu he`) names a node;
//! - a one-token person name joins the earlier full name of its document whose last (else first)
//!   token it is; failing that, the only full person name of the corpus that fits; with several,
//!   it stays ambiguous (an [`Ambiguity`] with its candidates), never guessed;
//! - a company short form joins the only longer name it extends by suffix words (`ZTE Corporation`),
//!   or the only longer name it abbreviates somewhere in the corpus (`Kestrel` after
//!   `Kestrel Shipping Company` in one document joins `kestrel` everywhere) when that name is its
//!   full name (ends on an organisation word) or its expansion; `Microsoft` after `Microsoft
//!   Word` joins it in that document only;
//! - user entities and their aliases are joined first and their name and type win.
//!
//! Cost: linear in the number of mentions of the corpus (hash joins), run once per snapshot.

use super::aliases;
use super::doc_names::{DocName, InDocLink};
use super::mentions::{sorted_order, EntityId, MentionRef, Postings, SortedSpans, Target};
pub use crate::config::UserEntity;
use crate::extract::entities::lexicon;
use crate::model::{EntityType, MentionSource, Span};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Serialize;
use std::sync::Arc;

// The warm-start cache's codec of a built registry (`Registry::encode`, `Registry::decode`).
mod codec;
pub mod fresh;
pub mod isolated;

/// Where a description was read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Description {
    /// The description (`vice premier`).
    pub text: String,
    /// Where it was read.
    pub at: MentionRef,
}

/// One canonical entity of the corpus: shared (`Arc`), so a new snapshot after an edit copies
/// only the entities the edited file mentions. Its fields are read through [`EntityInfo`].
#[derive(Debug, Clone, PartialEq)]
pub struct Entity(Arc<EntityInfo>);

impl std::ops::Deref for Entity {
    type Target = EntityInfo;
    fn deref(&self) -> &EntityInfo {
        &self.0
    }
}

/// What the registry knows about one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityInfo {
    /// Its id in this snapshot.
    pub id: EntityId,
    /// Canonical name: the fullest form (`Liu He`), or the user's name.
    pub name: String,
    /// Type (user, then gold, then the most frequent detected type).
    pub ty: EntityType,
    /// Distinct surface forms as written, in corpus order, then user aliases not seen.
    pub aliases: Vec<String>,
    /// Every mention, in corpus order.
    pub mentions: Vec<MentionRef>,
    /// Files mentioning it (indices into `Corpus::files`), in corpus order.
    pub files: Vec<u32>,
    /// The first full-name mention in corpus order (else the first mention).
    pub defining: Option<MentionRef>,
    /// From an appositive (`Liu He, a vice premier ...`), else a title cue (`Vice Premier Liu He`).
    pub description: Option<Description>,
    /// True when declared in the user's config.
    pub user: bool,
}

/// A short form that fits several entities: shown, never guessed.
#[derive(Debug, Clone, PartialEq)]
pub struct Ambiguity {
    /// Its key (`smith`).
    pub key: String,
    /// Distinct surface forms as written.
    pub surfaces: Vec<String>,
    /// Its mentions, in corpus order.
    pub mentions: Vec<MentionRef>,
    /// The entities it could stand for.
    pub candidates: Vec<EntityId>,
}

/// What a name resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Exactly one entity.
    One(EntityId),
    /// Several entities fit; never guessed.
    Ambiguous(Vec<EntityId>),
    /// No entity has this name.
    None,
}

/// All entities of a corpus snapshot and the indexes that answer queries about them.
///
/// Every part is shared (`Arc`), so cloning a registry and patching one file's spans
/// ([`Registry::with_moved_spans`]) costs the number of entities, not the number of mentions.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    entities: Vec<Entity>,
    ambiguities: Arc<Vec<Ambiguity>>,
    postings: Arc<Postings>,
    /// Files whose mentions are not in (start, end) order: their sorted order (rare).
    unsorted: Arc<HashMap<u32, Box<[u32]>>>,
    names: Arc<HashMap<String, Vec<EntityId>>>,
    last_names: Arc<HashMap<String, Vec<EntityId>>>,
    first_names: Arc<HashMap<String, Vec<EntityId>>>,
    /// What a panic in the join left out (see [`isolated`]); empty for a whole registry.
    left_out: Arc<Vec<isolated::LeftOut>>,
}

/// Node of the join: one key, with a union-find parent.
struct Nodes {
    index: HashMap<String, usize>,
    keys: Vec<String>,
    parent: Vec<usize>,
}

impl Nodes {
    fn id(&mut self, key: &str) -> usize {
        if let Some(&i) = self.index.get(key) {
            return i;
        }
        let i = self.keys.len();
        self.index.insert(key.to_string(), i);
        self.keys.push(key.to_string());
        self.parent.push(i);
        i
    }
    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The lower node (met first) stays the root, so results do not depend on hash order.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

/// Acronyms join the one name of the corpus whose initials they are (`imf` and `international
/// monetary fund`, `wto` and `the world trade organization`), people's names aside; an acronym
/// that several names fit joins none of them.
fn join_acronyms(nodes: &mut Nodes, order: &[u32], docs: &[&[DocName]]) {
    let mut by_initials: HashMap<String, Vec<usize>> = HashMap::default();
    let mut acronyms: Vec<usize> = Vec::new();
    for &fi in order {
        for d in docs[fi as usize].iter() {
            if d.ty == EntityType::Per || d.short {
                continue;
            }
            let Some(&n) = nodes.index.get(d.key.as_str()) else {
                continue;
            };
            if let Some(i) = aliases::initials(&d.key) {
                push_unique(by_initials.entry(i).or_default(), n);
            } else if aliases::looks_like_acronym(&d.name)
                || !d.name.chars().any(char::is_uppercase)
            {
                // Cased text writes an acronym in capitals; a lowercase dump cannot.
                push_unique(&mut acronyms, n);
            }
        }
    }
    for a in acronyms {
        if let Some([long]) = by_initials.get(&nodes.keys[a]).map(|v| &v[..]) {
            let long = *long;
            nodes.union(a, long);
        }
    }
}

/// An ambiguous short form: its key and the roots of its candidates.
type AmbKey = (String, Vec<usize>);

/// What each mention stands for before the unions are final, one `u32` a mention (a corpus has
/// millions): a node, or with [`AMBIGUOUS`] set an index into the rare ambiguous short forms.
struct Pending {
    slots: Vec<u32>,
    ambiguous: Vec<AmbKey>,
}

/// The bit of a [`Pending`] slot that marks an ambiguous short form.
const AMBIGUOUS: u32 = 1 << 31;

impl Pending {
    fn node(&mut self, n: usize) {
        debug_assert!((n as u32) < AMBIGUOUS);
        self.slots.push(n as u32);
    }
    fn ambiguous(&mut self, key: &str, candidates: Vec<usize>) {
        self.slots.push(AMBIGUOUS | self.ambiguous.len() as u32);
        self.ambiguous.push((key.to_string(), candidates));
    }
}

/// Each entity's mentions `(file, index in the file's names)`, in corpus order: one flat list
/// sliced by entity, sized from the counts (a list per entity would grow by doubling).
struct Members {
    /// Where entity `i`'s mentions start in `flat`; the last entry is the end.
    starts: Vec<usize>,
    flat: Vec<(u32, u32)>,
}

impl Members {
    /// The lists from each entity's mention count and every mention in corpus order.
    fn new(counts: &[u32], mentions: impl Iterator<Item = (EntityId, (u32, u32))>) -> Members {
        let mut starts = Vec::with_capacity(counts.len() + 1);
        let mut at = 0usize;
        for &c in counts {
            starts.push(at);
            at += c as usize;
        }
        starts.push(at);
        let mut flat = vec![(0u32, 0u32); at];
        let mut next = starts.clone();
        for (id, m) in mentions {
            let i = &mut next[id.0 as usize];
            flat[*i] = m;
            *i += 1;
        }
        Members { starts, flat }
    }
    /// Entity `i`'s mentions.
    fn of(&self, i: usize) -> &[(u32, u32)] {
        &self.flat[self.starts[i]..self.starts[i + 1]]
    }
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

impl Registry {
    /// Builds the registry. `order` lists file indices in corpus order; `docs[i]` are file `i`'s names.
    pub fn build(order: &[u32], docs: &[&[DocName]], user: &[UserEntity]) -> Registry {
        let mut nodes = Nodes {
            index: HashMap::default(),
            keys: Vec::new(),
            parent: Vec::new(),
        };
        // User entities first: their keys join before anything else and win.
        let mut user_node: HashMap<usize, usize> = HashMap::default();
        // People's full names by last and first token, for surnames to join.
        let mut by_last: HashMap<String, Vec<usize>> = HashMap::default();
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::default();
        for (ui, u) in user.iter().enumerate() {
            let key = user_key(&u.name, u.ty);
            if key.is_empty() {
                continue;
            }
            let root = nodes.id(&key);
            user_node.insert(root, ui);
            if matches!(u.ty, None | Some(EntityType::Per)) {
                if let Some((f, l)) = aliases::first_last(&key) {
                    push_unique(by_last.entry(l.to_string()).or_default(), root);
                    push_unique(by_first.entry(f.to_string()).or_default(), root);
                }
            }
            for a in &u.aliases {
                // Without a type, an alias may carry an honorific (`Mr. Liu`): both forms join.
                let mut keys = vec![user_key(a, u.ty)];
                if u.ty.is_none() {
                    keys.push(aliases::person_key(a));
                }
                for k in keys.into_iter().filter(|k| !k.is_empty()) {
                    let n = nodes.id(&k);
                    nodes.union(root, n);
                }
            }
        }
        let user_keys: HashSet<usize> = (0..nodes.keys.len()).collect();
        // Full names of the documents.
        for &fi in order {
            for d in docs[fi as usize].iter().filter(|d| !d.short) {
                let n = nodes.id(&d.key);
                if d.ty == EntityType::Per {
                    if let Some((f, l)) = aliases::first_last(&d.key) {
                        push_unique(by_last.entry(l.to_string()).or_default(), n);
                        push_unique(by_first.entry(f.to_string()).or_default(), n);
                    }
                }
            }
        }
        // Short forms the corpus itself shows: a company's (`Kestrel` after `Kestrel Shipping
        // Company`), an acronym's (`IMF` after `International Monetary Fund (IMF)`).
        let mut abbrev: HashMap<&str, Vec<usize>> = HashMap::default();
        for &fi in order {
            for d in docs[fi as usize].iter() {
                if let (false, true, InDocLink::To(k)) = (d.ty == EntityType::Per, d.short, &d.link)
                {
                    if !aliases::short_form_everywhere(&d.key, k) {
                        continue;
                    }
                    let n = nodes.id(k);
                    push_unique(abbrev.entry(d.key.as_str()).or_default(), n);
                }
            }
        }
        // What each mention stands for.
        let total: usize = order.iter().map(|&fi| docs[fi as usize].len()).sum();
        let mut pending = Pending {
            slots: Vec::with_capacity(total),
            ambiguous: Vec::new(),
        };
        for &fi in order {
            for d in docs[fi as usize].iter() {
                if !d.short {
                    match abbrev
                        .get(d.key.as_str())
                        .filter(|_| d.ty != EntityType::Per)
                    {
                        Some(c) if c.len() == 1 => pending.node(c[0]),
                        Some(c) => pending.ambiguous(&d.key, c.clone()),
                        None => pending.node(nodes.id(&d.key)),
                    }
                } else if let Some(&n) = nodes
                    .index
                    .get(d.key.as_str())
                    .filter(|n| user_keys.contains(n))
                {
                    pending.node(n)
                } else {
                    match &d.link {
                        InDocLink::To(k) => pending.node(nodes.id(k)),
                        InDocLink::Ambiguous(ks) => {
                            let c = ks.iter().map(|k| nodes.id(k)).collect();
                            pending.ambiguous(&d.key, c)
                        }
                        InDocLink::Open if d.ty != EntityType::Per => {
                            pending.node(nodes.id(&d.key))
                        }
                        InDocLink::Open => {
                            let c = by_last
                                .get(d.key.as_str())
                                .or_else(|| by_first.get(d.key.as_str()));
                            match c.map_or(&[][..], |c| &c[..]) {
                                [] => pending.node(nodes.id(&d.key)),
                                [n] => pending.node(*n),
                                c => pending.ambiguous(&d.key, c.to_vec()),
                            }
                        }
                    }
                }
            }
        }
        // Company short forms join the one longer name they extend by suffix words.
        let mut org_keys: Vec<usize> = Vec::new();
        let mut org_seen: HashSet<usize> = HashSet::default();
        for &fi in order {
            for d in docs[fi as usize].iter() {
                if d.ty == EntityType::Org {
                    if let Some(&n) = nodes.index.get(d.key.as_str()) {
                        if org_seen.insert(n) {
                            org_keys.push(n);
                        }
                    }
                }
            }
        }
        let mut org_by_first: HashMap<&str, Vec<usize>> = HashMap::default();
        for &n in &org_keys {
            let first = nodes.keys[n].split(' ').next().unwrap_or("");
            org_by_first.entry(first).or_default().push(n);
        }
        let mut org_unions = Vec::new();
        for &n in &org_keys {
            let k = &nodes.keys[n];
            let first = k.split(' ').next().unwrap_or("");
            let longer: Vec<usize> = org_by_first
                .get(first)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&m| aliases::is_org_short_form(k, &nodes.keys[m]))
                .collect();
            if let [m] = longer[..] {
                org_unions.push((n, m));
            }
        }
        for (a, b) in org_unions {
            nodes.union(a, b);
        }
        join_acronyms(&mut nodes, order, docs);
        Self::assemble(nodes, pending, order, docs, user, &user_node)
    }

    fn assemble(
        mut nodes: Nodes,
        pending: Pending,
        order: &[u32],
        docs: &[&[DocName]],
        user: &[UserEntity],
        user_node: &HashMap<usize, usize>,
    ) -> Registry {
        // Components become entities, numbered by first mention in corpus order.
        let mut comp_id: HashMap<usize, EntityId> = HashMap::default();
        let mut counts: Vec<u32> = Vec::new();
        let mut amb_index: HashMap<AmbKey, u32> = HashMap::default();
        let mut amb_groups: Vec<(AmbKey, Vec<(u32, u32)>)> = Vec::new();
        let mentions = || {
            order
                .iter()
                .flat_map(|&fi| (0..docs[fi as usize].len() as u32).map(move |mi| (fi, mi)))
        };
        // Each pending slot becomes the mention's packed target, in place: the slots are the
        // postings (corpus order, one `u32` a mention).
        let Pending {
            mut slots,
            ambiguous,
        } = pending;
        let mut ambiguous = ambiguous.into_iter().map(Some).collect::<Vec<_>>();
        for ((fi, mi), slot) in mentions().zip(slots.iter_mut()) {
            let root = if *slot & AMBIGUOUS == 0 {
                Ok(nodes.find(*slot as usize))
            } else {
                let (key, cands) = ambiguous[(*slot & !AMBIGUOUS) as usize]
                    .take()
                    .expect("each ambiguous slot is read once");
                let mut roots: Vec<usize> = cands.iter().map(|&c| nodes.find(c)).collect();
                roots.sort_unstable();
                roots.dedup();
                if roots.len() == 1 {
                    Ok(roots[0])
                } else {
                    let g = (key, roots);
                    let next = amb_groups.len() as u32;
                    let a = *amb_index.entry(g.clone()).or_insert(next);
                    if a == next {
                        amb_groups.push((g, Vec::new()));
                    }
                    amb_groups[a as usize].1.push((fi, mi));
                    Err(a)
                }
            };
            let target = match root {
                Ok(r) => {
                    let next = EntityId(comp_id.len() as u32);
                    let id = *comp_id.entry(r).or_insert(next);
                    if id == next {
                        counts.push(0);
                    }
                    counts[id.0 as usize] += 1;
                    Target::Entity(id)
                }
                Err(a) => Target::Ambiguous(a),
            };
            *slot = target.pack();
        }
        // User entities nobody mentions still exist, so their names resolve.
        let mut user_of: HashMap<EntityId, usize> = HashMap::default();
        let mut user_roots: Vec<(usize, usize)> = user_node.iter().map(|(&n, &u)| (u, n)).collect();
        user_roots.sort_unstable();
        for (u, n) in user_roots {
            let r = nodes.find(n);
            let next = EntityId(comp_id.len() as u32);
            let id = *comp_id.entry(r).or_insert(next);
            if id == next {
                counts.push(0);
            }
            user_of.entry(id).or_insert(u);
        }
        // Each entity's mentions, in corpus order, one flat list sliced by entity (sized once).
        let members = Members::new(
            &counts,
            mentions()
                .zip(&slots)
                .filter_map(|(m, &t)| match Target::unpack(t) {
                    Target::Entity(id) => Some((id, m)),
                    Target::Ambiguous(_) => None,
                }),
        );
        let mut root_of: Vec<usize> = vec![0; counts.len()];
        for (&r, id) in &comp_id {
            root_of[id.0 as usize] = r;
        }
        let mut reg = Registry::default();
        let mut ambiguities = Vec::new();
        for (i, &root) in root_of.iter().enumerate() {
            let id = EntityId(i as u32);
            let u = user_of.get(&id).map(|&u| &user[u]);
            reg.entities.push(Entity(Arc::new(make_entity(
                id,
                members.of(i),
                docs,
                u,
                &nodes.keys[root],
            ))));
        }
        for ((key, roots), ms) in amb_groups {
            let mut surfaces = Vec::new();
            for &(fi, mi) in &ms {
                push_unique(
                    &mut surfaces,
                    docs[fi as usize][mi as usize].surface.to_string(),
                );
            }
            ambiguities.push(Ambiguity {
                key,
                surfaces,
                mentions: ms
                    .iter()
                    .map(|&(fi, mi)| mref(fi, &docs[fi as usize][mi as usize]))
                    .collect(),
                // A candidate name whose every mention went elsewhere (itself an ambiguous
                // short form, or joined to another name) is no entity: it is not offered.
                candidates: roots
                    .iter()
                    .filter_map(|r| comp_id.get(r).copied())
                    .collect(),
            });
        }
        reg.ambiguities = Arc::new(ambiguities);
        let lens: Vec<usize> = docs.iter().map(|d| d.len()).collect();
        reg.postings = Arc::new(Postings::new(slots, order, &lens));
        reg.unsorted = Arc::new(
            docs.iter()
                .enumerate()
                .filter_map(|(fi, d)| Some((fi as u32, sorted_order(d.iter().map(|d| d.span))?)))
                .collect(),
        );
        reg.index_names(&members, docs, user, &user_of);
        reg
    }

    fn index_names(
        &mut self,
        members: &Members,
        docs: &[&[DocName]],
        user: &[UserEntity],
        user_of: &HashMap<EntityId, usize>,
    ) {
        let mut names: HashMap<String, Vec<EntityId>> = HashMap::default();
        let mut last_names: HashMap<String, Vec<EntityId>> = HashMap::default();
        let mut first_names: HashMap<String, Vec<EntityId>> = HashMap::default();
        let mut add = |k: String, id: EntityId| {
            if !k.is_empty() {
                push_unique(names.entry(k).or_default(), id);
            }
        };
        for (i, e) in self.entities.iter().enumerate() {
            let ms = members.of(i);
            add(aliases::name_key(&e.name, e.ty), e.id);
            add(aliases::plain_key(&e.name), e.id);
            // Each distinct key once: an entity's mentions repeat a handful of keys.
            let mut keys: HashSet<&str> = HashSet::default();
            for &(fi, mi) in ms {
                let d = &docs[fi as usize][mi as usize];
                if keys.insert(d.key.as_str()) {
                    add(d.key.to_string(), e.id);
                }
            }
            // The aliases are the distinct surfaces of the mentions (then the user's aliases).
            for a in &e.aliases {
                add(aliases::plain_key(a), e.id);
            }
            if let Some(&u) = user_of.get(&e.id) {
                for a in &user[u].aliases {
                    add(user_key(a, user[u].ty), e.id);
                    add(aliases::plain_key(a), e.id);
                }
            }
            if e.ty == EntityType::Per {
                if let Some((f, l)) = aliases::first_last(&aliases::person_key(&e.name)) {
                    push_unique(last_names.entry(l.to_string()).or_default(), e.id);
                    push_unique(first_names.entry(f.to_string()).or_default(), e.id);
                }
            }
        }
        for a in self.ambiguities.iter() {
            for &c in &a.candidates {
                add(a.key.clone(), c);
            }
        }
        self.names = Arc::new(names);
        self.last_names = Arc::new(last_names);
        self.first_names = Arc::new(first_names);
    }

    /// This registry after an edit of file `file` that kept its names (`old[i]` and `new[i]`
    /// agree in everything but their spans): the same entities, with that file's mention spans
    /// moved. `None` when the spans cannot be mapped one to one (the caller rebuilds).
    pub fn with_moved_spans(
        &self,
        file: u32,
        old: &[DocName],
        new: &[DocName],
    ) -> Option<Registry> {
        // A registry without some names is not patched: the next one may hold them all.
        if old.len() != new.len() || self.postings.files() <= file as usize || !self.is_whole() {
            return None;
        }
        let mut spans: HashMap<Span, Span> =
            HashMap::with_capacity_and_hasher(old.len(), Default::default());
        let mut apps: HashMap<Span, Span> = HashMap::default();
        for (o, n) in old.iter().zip(new) {
            if *spans.entry(o.span).or_insert(n.span) != n.span {
                return None;
            }
            if let (Some((_, os)), Some((_, ns))) =
                (o.appositive.as_deref(), n.appositive.as_deref())
            {
                if *apps.entry(*os).or_insert(*ns) != *ns {
                    return None;
                }
            }
        }
        let moved = |m: &MentionRef| -> MentionRef {
            match spans.get(&m.span).filter(|_| m.file == file) {
                Some(&span) => MentionRef { file, span },
                None => *m,
            }
        };
        let mut reg = self.clone();
        // The targets stand beside the file's names, which keep their order: only the spans
        // that entities and ambiguities copied move.
        let mut touched_entities: Vec<EntityId> = Vec::new();
        let mut touched_ambiguities: Vec<u32> = Vec::new();
        for i in 0..old.len() {
            match self.postings.target(file, i)? {
                Target::Entity(id) => push_unique(&mut touched_entities, id),
                Target::Ambiguous(a) => push_unique(&mut touched_ambiguities, a),
            }
        }
        let perm = sorted_order(new.iter().map(|d| d.span));
        if perm.as_ref() != self.unsorted.get(&file) {
            let unsorted = Arc::make_mut(&mut reg.unsorted);
            match perm {
                Some(p) => unsorted.insert(file, p),
                None => unsorted.remove(&file),
            };
        }
        for id in touched_entities {
            let e = reg.entities.get_mut(id.0 as usize)?;
            let mut info = EntityInfo::clone(e);
            for m in info.mentions.iter_mut().filter(|m| m.file == file) {
                *m = moved(m);
            }
            info.defining = info.defining.as_ref().map(moved);
            if let Some(d) = info.description.as_mut().filter(|d| d.at.file == file) {
                // A description read from an appositive points at the appositive's text.
                let from_appositive = old.iter().any(|o| {
                    o.appositive
                        .as_deref()
                        .is_some_and(|(t, s)| *s == d.at.span && *t == d.text)
                });
                d.at.span = if from_appositive {
                    *apps.get(&d.at.span)?
                } else {
                    *spans.get(&d.at.span)?
                };
            }
            *e = Entity(Arc::new(info));
        }
        if !touched_ambiguities.is_empty() {
            let ambs = Arc::make_mut(&mut reg.ambiguities);
            for a in touched_ambiguities {
                let amb = ambs.get_mut(a as usize)?;
                for m in amb.mentions.iter_mut() {
                    *m = moved(m);
                }
            }
        }
        Some(reg)
    }

    /// Every entity, ordered by first mention in corpus order (user entities never mentioned last).
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }
    /// The entity with this id (ids come from this registry).
    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id.0 as usize]
    }
    /// Short forms that fit several entities.
    pub fn ambiguities(&self) -> &[Ambiguity] {
        &self.ambiguities
    }
    /// Every mention of an entity, in corpus order.
    pub fn mentions(&self, id: EntityId) -> &[MentionRef] {
        &self.entities[id.0 as usize].mentions
    }
    /// The mention touching `offset` in file `file` (whose names are `names`: the registry
    /// keeps only what each mention stands for, beside the file's own list), and what it
    /// stands for.
    pub fn target_at(
        &self,
        file: u32,
        names: &[DocName],
        offset: usize,
    ) -> Option<(Target, MentionRef)> {
        let sorted = self.sorted(file, names);
        let (span, t) = target_in(&self.postings, file, names, &sorted, offset)?;
        Some((t, MentionRef { file, span }))
    }
    /// The entity mentioned at `offset` in file `file` (none on an ambiguous short form).
    pub fn entity_at(
        &self,
        file: u32,
        names: &[DocName],
        offset: usize,
    ) -> Option<(EntityId, MentionRef)> {
        match self.target_at(file, names, offset)? {
            (Target::Entity(id), m) => Some((id, m)),
            (Target::Ambiguous(_), _) => None,
        }
    }
    /// Every mention of file `file` (whose names are `names`), sorted by start, with what it
    /// stands for.
    pub fn file_mentions<'a>(
        &'a self,
        file: u32,
        names: &'a [DocName],
    ) -> impl Iterator<Item = (Span, Target)> + 'a {
        self.postings.all(file, self.sorted(file, names))
    }
    /// The distinct entities mentioned in file `file`, in order of first mention.
    pub fn entities_in(&self, file: u32, names: &[DocName]) -> Vec<EntityId> {
        let mut out = Vec::new();
        for (_, t) in self.file_mentions(file, names) {
            if let Target::Entity(id) = t {
                push_unique(&mut out, id);
            }
        }
        out
    }
    /// A file's names in sorted (start, end) order.
    fn sorted<'a>(&'a self, file: u32, names: &'a [DocName]) -> SortedSpans<'a, DocName> {
        // A file the join left out has no postings: none of its names stand for anything.
        let left_out = self.left_out.iter().any(|l| l.file == Some(file));
        let names = if left_out { &[] } else { names };
        SortedSpans::new(names, self.unsorted.get(&file).map(|p| &p[..]))
    }
    /// Resolves any alias, case-insensitively, honorifics and titles stripped (`mr liu` -> Liu He).
    pub fn resolve(&self, name: &str) -> Resolution {
        let mut hits: Vec<EntityId> = Vec::new();
        for k in [aliases::plain_key(name), aliases::person_key(name)] {
            for &id in self.names.get(&k).into_iter().flatten() {
                push_unique(&mut hits, id);
            }
        }
        if hits.is_empty() {
            let k = aliases::person_key(name);
            if !k.is_empty() && !k.contains(' ') {
                hits = self
                    .last_names
                    .get(&k)
                    .or_else(|| self.first_names.get(&k))
                    .cloned()
                    .unwrap_or_default();
            }
        }
        hits.sort_unstable();
        match hits.len() {
            0 => Resolution::None,
            1 => Resolution::One(hits[0]),
            _ => Resolution::Ambiguous(hits),
        }
    }
    /// Entities whose names fit `query` loosely (exact, prefix, word prefix, substring, subsequence),
    /// best first, then by mention count; an empty query lists all by mention count.
    pub fn search(&self, query: &str) -> Vec<EntityId> {
        let q = aliases::plain_key(query);
        let mut scored: Vec<(u8, usize, EntityId)> = Vec::new();
        for e in &self.entities {
            let score = std::iter::once(e.name.as_str())
                .chain(e.aliases.iter().map(String::as_str))
                .filter_map(|n| match_score(&q, &aliases::plain_key(n)))
                .min();
            if let Some(s) = score {
                scored.push((s, usize::MAX - e.mentions.len(), e.id));
            }
        }
        scored.sort_unstable();
        scored.into_iter().map(|(_, _, id)| id).collect()
    }
}

/// The key of a user-declared name: by its type, or plainly when no type is given.
fn user_key(name: &str, ty: Option<EntityType>) -> String {
    match ty {
        Some(t) => aliases::name_key(name, t),
        None => aliases::plain_key(name),
    }
}

/// How well `q` fits `name` (lower is better), if at all.
fn match_score(q: &str, name: &str) -> Option<u8> {
    if q.is_empty() {
        return Some(5);
    }
    if name == q {
        Some(0)
    } else if name.starts_with(q) {
        Some(1)
    } else if name.split(' ').any(|w| w.starts_with(q)) {
        Some(2)
    } else if name.contains(q) {
        Some(3)
    } else {
        let mut it = name.chars();
        q.chars()
            .filter(|c| *c != ' ')
            .all(|c| it.any(|n| n == c))
            .then_some(4)
    }
}

/// Where a mention written with an honorific before its name starts (`Mr` of `Mr Liu`): the
/// surface is the honorific, a space or dot, then the name's bytes.
/// The mention of `file` touching `offset` in `postings` (`names` in the file's order, `sorted`
/// in (start, end) order), and what it stands for.
fn target_in(
    postings: &Postings,
    file: u32,
    names: &[DocName],
    sorted: &SortedSpans<DocName>,
    offset: usize,
) -> Option<(Span, Target)> {
    match postings.at(file, sorted, offset) {
        Some(hit) => Some(hit),
        // On the honorific of `Mr Liu`: the mention starts there though its name does not.
        None => {
            let i = names.iter().position(|d| {
                d.span.start() > offset && honorific_start(d).is_some_and(|s| s <= offset)
            })?;
            Some((names[i].span, postings.target(file, i)?))
        }
    }
}

fn honorific_start(d: &DocName) -> Option<usize> {
    let before = d
        .surface
        .get(..d.surface.len().checked_sub(d.span.len())?)?;
    let word = before.trim_end_matches([' ', '.']);
    let honorific = lexicon::contains(lexicon::Category::Honorific, &word.to_lowercase());
    (honorific && before.len() <= 16)
        .then(|| d.span.start().checked_sub(before.len()))
        .flatten()
}

fn mref(fi: u32, d: &DocName) -> MentionRef {
    MentionRef {
        file: fi,
        span: d.span,
    }
}

fn make_entity(
    id: EntityId,
    ms: &[(u32, u32)],
    docs: &[&[DocName]],
    user: Option<&UserEntity>,
    root_key: &str,
) -> EntityInfo {
    let names: Vec<(u32, &DocName)> = ms
        .iter()
        .map(|&(f, m)| (f, &docs[f as usize][m as usize]))
        .collect();
    // Type: user, else gold votes, else detected votes; ties go to the first met.
    let ty = user.and_then(|u| u.ty).unwrap_or_else(|| {
        let mut votes: Vec<(EntityType, usize)> = Vec::new();
        for (_, d) in &names {
            let w = match d.source {
                MentionSource::User => 10_000,
                MentionSource::Gold => 100,
                MentionSource::Detected => 1,
            };
            match votes.iter_mut().find(|(t, _)| *t == d.ty) {
                Some(v) => v.1 += w,
                None => votes.push((d.ty, w)),
            }
        }
        votes
            .iter()
            .rev()
            .max_by_key(|(_, w)| *w)
            .map_or(EntityType::Misc, |(t, _)| *t)
    });
    // Canonical: the fullest name; its cased form over lowercase; the most frequent; the first.
    let mut counts: HashMap<&str, usize> = HashMap::default();
    for (_, d) in &names {
        *counts.entry(d.name.as_str()).or_default() += 1;
    }
    let canonical = user.map(|u| u.name.clone()).or_else(|| {
        names
            .iter()
            .enumerate()
            .max_by_key(|(i, (_, d))| {
                (
                    d.key.split(' ').count(),
                    d.name.chars().any(char::is_uppercase),
                    counts[d.name.as_str()],
                    usize::MAX - i,
                )
            })
            .map(|(_, (_, d))| d.name.to_string())
    });
    let name = canonical.unwrap_or_else(|| root_key.to_string());
    let key = aliases::name_key(&name, ty);
    let mut aliases_out: Vec<String> = Vec::new();
    let mut files: Vec<u32> = Vec::new();
    for (f, d) in &names {
        if !aliases_out.iter().any(|a| *a == d.surface) {
            aliases_out.push(d.surface.to_string());
        }
        // Mentions come in corpus order, so one file's mentions are consecutive.
        if files.last() != Some(f) {
            files.push(*f);
        }
    }
    if let Some(u) = user {
        for a in std::iter::once(&u.name).chain(&u.aliases) {
            push_unique(&mut aliases_out, a.clone());
        }
    }
    let full_key = aliases::full_person_key(&key);
    let defining = names
        .iter()
        .find(|(_, d)| d.key == key || full_key == d.key)
        .or(names.first())
        .map(|(f, d)| mref(*f, d));
    let description = names
        .iter()
        .find_map(|(f, d)| {
            d.appositive.as_deref().map(|(t, s)| Description {
                text: t.to_string(),
                at: MentionRef { file: *f, span: *s },
            })
        })
        .or_else(|| {
            names.iter().find_map(|(f, d)| {
                d.title.as_ref().map(|t| Description {
                    text: t.to_string(),
                    at: mref(*f, d),
                })
            })
        });
    EntityInfo {
        id,
        name,
        ty,
        aliases: aliases_out,
        mentions: names.iter().map(|(f, d)| mref(*f, d)).collect(),
        files,
        defining,
        description,
        user: user.is_some(),
    }
}
