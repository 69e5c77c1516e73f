//! Every answer from the network goes through these parsers: none may panic or hang.
#![no_main]

use ehcert_certra::{endpoint::Operation, response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = response::actor_qualities(data);
    let _ = response::organization_types(data);
    let _ = response::existing_application_ids(data);
    let _ = response::contract(data);
    let _ = response::generated_certificate(data);
    let _ = response::certificate_chain(data);
    if let Ok(list) = response::citizen_certificates(data) {
        // The questions the flows ask of a list, entries unreadable or not.
        let key = [0x0f; 20];
        let _ = (list.lists_key(&key), list.may_list_key(&key), list.status_of(&key));
        let _ = list.shows_in_progress();
    }
    let _ = response::status(Operation::GetCertificateInfoForCitizen, data);
    let _ = response::authentication_certificate_info(data);
    let _ = response::revocation_contract(data);
    let _ = response::revoked(data);
    let _ = response::foreigner_submission(data);
    let _ = response::etk_challenge(data);
    let _ = response::etk_registration(data);
    let _ = response::etk_activated(data);
    let _ = response::etk_lookup(data);
});
