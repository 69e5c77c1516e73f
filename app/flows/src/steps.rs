//! The steps of a certificate request as the person goes through them (app/PRODUCT.md §2): F1 a
//! new personal certificate, F2 an organisation's, F5 a renewal. Which step follows which, where
//! the person stands, and until when the eHealth environment may still change. The screens show
//! these steps; what each step does is in [`crate::new_certificate`], [`crate::organisation`],
//! [`crate::renewal`] and [`crate::pending`].

/// Which certificate the flow requests.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Kind {
    /// F1: the eID holder's own.
    Personal,
    /// F2: an organisation's, the eID holder signing for it.
    Organisation,
    /// F5: a new key for the certificate of the keystore in use (same DN).
    Renewal,
}

/// A step of the flow.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Step {
    /// The eID is read (the holder, and the card the request is signed with).
    ReadCard,
    /// F5: the current keystore is opened and eHealth says whether it may be renewed.
    Current,
    /// F2: the organisation is chosen among those the holder manages, or given.
    Organisation,
    /// The contact data (GenerateContract).
    Contact,
    /// eHealth's contract, read and accepted.
    Contract,
    /// The keystore password; then the key, the CSR and the pending keystore, saved.
    Password,
    /// GenerateCertificate, signed with the eID in the PIN window.
    Sign,
    /// The certificate fetched, the ETK registered, the final keystore written.
    Finish,
    /// The final keystore is there.
    Done,
}

impl Kind {
    /// The flow's steps, in order.
    pub fn steps(self) -> &'static [Step] {
        use Step::*;
        match self {
            Kind::Personal => &[ReadCard, Contact, Contract, Password, Sign, Finish, Done],
            Kind::Organisation => {
                &[ReadCard, Organisation, Contact, Contract, Password, Sign, Finish, Done]
            }
            Kind::Renewal => &[ReadCard, Current, Contact, Contract, Password, Sign, Finish, Done],
        }
    }

    /// The step that follows `step` once it is done; `Done` is the last. A step this flow does
    /// not have starts it over.
    pub fn next(self, step: Step) -> Step {
        let steps = self.steps();
        match self.position(step) {
            Some(at) => steps.get(at + 1).copied().unwrap_or(Step::Done),
            None => Step::ReadCard,
        }
    }

    /// Where `step` is in this flow (0 for the first), `None` if the flow has no such step.
    pub fn position(self, step: Step) -> Option<usize> {
        self.steps().iter().position(|each| *each == step)
    }

    /// Whether the environment may still change at `step`: only before the contract, since the
    /// contract, the key and the request all belong to the environment chosen by then.
    pub fn may_change_environment(self, step: Step) -> bool {
        self.is_behind(step, Step::Contract)
    }

    /// Whether `step` is behind the person when they stand at `current` (shown as done).
    pub fn is_behind(self, step: Step, current: Step) -> bool {
        matches!((self.position(step), self.position(current)), (Some(step), Some(current)) if step < current)
    }
}

#[cfg(test)]
mod tests {
    use super::{Kind, Step};

    const KINDS: [Kind; 3] = [Kind::Personal, Kind::Organisation, Kind::Renewal];

    #[test]
    fn each_flow_goes_from_the_card_to_done_through_its_own_step() {
        assert_eq!(Kind::Personal.next(Step::ReadCard), Step::Contact);
        assert_eq!(Kind::Organisation.next(Step::ReadCard), Step::Organisation);
        assert_eq!(Kind::Renewal.next(Step::ReadCard), Step::Current);
        for kind in KINDS {
            let mut step = Step::ReadCard;
            let mut walked = vec![step];
            while step != Step::Done {
                step = kind.next(step);
                walked.push(step);
            }
            assert_eq!(walked, kind.steps(), "{kind:?}");
            // The same contract, key, signature and finish for every kind.
            assert!(walked.ends_with(&[
                Step::Contact,
                Step::Contract,
                Step::Password,
                Step::Sign,
                Step::Finish,
                Step::Done
            ]));
            assert_eq!(kind.next(Step::Done), Step::Done);
        }
    }

    #[test]
    fn a_step_of_another_flow_starts_this_one_over() {
        assert_eq!(Kind::Personal.next(Step::Organisation), Step::ReadCard);
        assert_eq!(Kind::Organisation.next(Step::Current), Step::ReadCard);
        assert_eq!(Kind::Personal.position(Step::Current), None);
    }

    #[test]
    fn the_environment_is_fixed_from_the_contract_on() {
        for (kind, open) in [
            (Kind::Personal, &[Step::ReadCard, Step::Contact][..]),
            (Kind::Organisation, &[Step::ReadCard, Step::Organisation, Step::Contact]),
            (Kind::Renewal, &[Step::ReadCard, Step::Current, Step::Contact]),
        ] {
            for step in kind.steps() {
                let may = kind.may_change_environment(*step);
                assert_eq!(may, open.contains(step), "{kind:?} {step:?}");
            }
        }
    }

    #[test]
    fn the_steps_behind_the_person_are_those_before_theirs() {
        assert!(Kind::Personal.is_behind(Step::ReadCard, Step::Contract));
        assert!(Kind::Personal.is_behind(Step::Contact, Step::Contract));
        assert!(!Kind::Personal.is_behind(Step::Contract, Step::Contract));
        assert!(!Kind::Personal.is_behind(Step::Sign, Step::Contract));
        assert!(!Kind::Personal.is_behind(Step::Organisation, Step::Done));
    }
}
