//! Widgets shared by the screens: the environment picker, the password rules, saving a copy of a
//! keystore or of a signed request, and the words for a request's stage. No screen imports
//! another screen for these.

pub mod parts;

use ehcert_certra::endpoint::Environment;
use ehcert_flows::pending::Stage;
use ehcert_pki::dn::{format_national_number, EhealthSubject};
use ehcert_pki::rules::PasswordCheck;
use leptos::{prelude::*, task::spawn_local};

use crate::{
    error::HelpTopic,
    i18n::{strings, Lang, LanguagePicker, Strings},
    services::{
        files::{download_as, has_save_picker, save_with_picker},
        keeping::is_kiosk,
        kiosk::{self, KioskGuard},
        offer,
    },
};

/// The progress line of a stage of `ehcert_flows::pending::finish_request`.
pub fn stage_text(stage: Stage, t: &Strings) -> &'static str {
    match stage {
        Stage::Waiting => t.waiting,
        Stage::RegisteringEtk => t.registering_etk,
    }
}

/// "Save a copy in a folder of your choice": the File System Access picker, where the browser
/// has one (F12); the plain download has already happened.
#[component]
pub fn SaveCopy(
    file: StoredValue<Option<(String, Vec<u8>)>, LocalStorage>,
    lang: RwSignal<Lang>,
    /// The button's words, when not "Save a copy in a folder of your choice…".
    #[prop(optional)]
    label: Option<fn(&Strings) -> &'static str>,
) -> impl IntoView {
    let label = label.unwrap_or(|t| t.save_copy);
    let t = move || strings(lang.get());
    let saved = RwSignal::new(None::<Result<(), String>>);
    let save = move |_| {
        let Some((name, bytes)) = file.get_value() else { return };
        spawn_local(async move {
            match save_with_picker(&bytes, &name).await {
                Ok(true) => {
                    kiosk::file_saved();
                    saved.set(Some(Ok(())));
                }
                Ok(false) => {}
                Err(err) => saved.set(Some(Err(err.message(lang.get_untracked())))),
            }
        });
    };
    has_save_picker().then(|| {
        view! {
            <p>
                <button type="button" class="primary" on:click=save>{move || label(t())}</button>
                {move || saved.get().map(|result| match result {
                    Ok(()) => view! { <span role="status" data-testid="saved-copy"> " " {t().saved_copy}</span> }.into_any(),
                    Err(text) => view! { <span role="alert"> " " {text}</span> }.into_any(),
                })}
            </p>
        }
    })
}

/// "Download the request you signed": the signed SOAP envelope exactly as it was sent to
/// eHealth (the payload, the signature and the card's certificates), the person's own evidence
/// of what their card signed. Shown after a signature by the eID signature key.
#[component]
pub fn SignedRequestCopy(
    envelope: StoredValue<Option<(String, String)>, LocalStorage>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let t = move || strings(lang.get());
    let failed = RwSignal::new(None::<String>);
    let save = move |_| {
        let Some((name, xml)) = envelope.get_value() else { return };
        if let Err(err) = download_as(xml.as_bytes(), &name, "application/xml") {
            failed.set(Some(err.message(lang.get_untracked())));
        }
    };
    envelope.get_value().map(|_| {
        view! {
            <p class="screen-only">
                <button type="button" on:click=save>{move || t().download_signed_request}</button>
                " " {move || t().signed_request_note}
                {move || failed.get().map(|text| view! { <span role="alert"> " " {text}</span> })}
            </p>
        }
    })
}

/// The file name of a signed request kept as evidence: the operation and the request's `Id`,
/// which eHealth's answer and logs refer to.
pub fn signed_request_file_name(operation: &str, envelope: &str) -> String {
    let id = envelope
        .split_once(" Id=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or("", |(id, _)| id);
    format!("signed-{operation}{id}.xml")
}

/// The `autocomplete` token of a field holding the person's data: what it is on a personal
/// computer, `off` on a kiosk, where the browser must not offer it to the next person (the kiosk
/// policy also turns autofill off).
pub fn autocomplete(token: &'static str) -> &'static str {
    if is_kiosk() {
        "off"
    } else {
        token
    }
}

/// An environment's name in the page's language.
pub fn environment_name(t: &Strings, environment: Environment) -> &'static str {
    match environment {
        Environment::Production => t.env_production,
        Environment::Acceptance => t.env_acceptance,
        Environment::Local => t.env_local,
    }
}

/// The eHealth environment picker (F11), shared by the flows. A provider is never asked: the
/// flow runs on the server's default (production where the operator offers it), and only where
/// the operator offers more than one environment does the picker appear, folded under "For
/// software developers" (eHealth keeps its acceptance platform for IT integrators).
#[component]
pub fn EnvironmentSelect(environment: RwSignal<String>, lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || strings(lang.get());
    let offered = offer::environments();
    (offered.len() > 1).then(|| {
        view! {
            <details class="technical developers" data-testid="developer-options">
                <summary>{move || t().for_developers}</summary>
                <p>
                    <label for="environment">{move || t().environment}</label>
                    <select id="environment" on:change=move |ev| environment.set(event_target_value(&ev))
                        prop:value=move || environment.get()>
                        {offered
                            .into_iter()
                            .map(|offered| view! { <option value=offered.name()>{move || environment_name(t(), offered)}</option> })
                            .collect_view()}
                    </select>
                </p>
            </details>
        }
    })
}

/// The keystore password with its rules checked live (F9).
#[component]
pub fn PasswordRules(
    lang: RwSignal<Lang>,
    password: RwSignal<String>,
    confirmation: RwSignal<String>,
) -> impl IntoView {
    let checks = move || PasswordCheck::of(&password.get(), &confirmation.get());
    view! {
        <ul id="password-rules" aria-live="polite">
            <Rule lang met=Signal::derive(move || checks().long_enough) text=|t| t.rule_length />
            <Rule lang met=Signal::derive(move || checks().has_digit_or_symbol) text=|t| t.rule_digit />
            <Rule lang met=Signal::derive(move || checks().only_accepted_characters) text=|t| t.rule_characters />
            <Rule lang met=Signal::derive(move || checks().confirmed) text=|t| t.rule_same />
        </ul>
    }
}

/// One password rule, met or not, in words (not colour alone, app/PRODUCT.md F9).
#[component]
fn Rule(
    lang: RwSignal<Lang>,
    met: Signal<bool>,
    text: fn(&Strings) -> &'static str,
) -> impl IntoView {
    view! {
        <li data-met=move || met.get().to_string()>
            {move || {
                let t = strings(lang.get());
                format!("{} {}", if met.get() { t.rule_met } else { t.rule_not_met }, text(t))
            }}
        </li>
    }
}

/// The register an organisation's number comes from, as a provider knows it (RIZIV/INAMI,
/// KBO/BCE), for eHealth's identifier types (`NIHII-HOSPITAL`, `CBE`, `EHP`…: their prefix
/// names the register, GetGenericOrganizationTypes); an unknown type shows as eHealth names it.
pub fn register_words(identifier_type: &str, t: &Strings) -> String {
    if identifier_type.starts_with("NIHII") {
        t.register_nihii.to_owned()
    } else if identifier_type.starts_with("CBE") {
        t.register_cbe.to_owned()
    } else if identifier_type == "EHP" {
        t.register_ehp.to_owned()
    } else {
        identifier_type.to_owned()
    }
}

/// Whose certificate an eHealth DN names, in words: the person's name with the national number
/// as the eID prints it, or the organisation's name, type and number (and application).
fn subject_in_words(subject: &EhealthSubject, t: &Strings) -> String {
    if subject.is_person() {
        format!("{}, {} {}", subject.name, t.national_number, format_national_number(&subject.id))
    } else {
        let application = subject
            .application_id
            .as_ref()
            .map(|id| format!(", {} {id}", t.application))
            .unwrap_or_default();
        format!(
            "{} ({} {}){application}",
            subject.name,
            register_words(&subject.id_type, t),
            subject.id
        )
    }
}

/// A certificate's subject for a person: in words, with the DN itself under "Technical details"
/// (`data-testid="dn"`), where a helpdesk or an IT department finds it. A DN not shaped as
/// eHealth's is shown only as it is.
#[component]
pub fn Subject(dn: String, lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || strings(lang.get());
    let Some(subject) = EhealthSubject::parse(&dn) else {
        return view! { <code data-testid="dn">{dn}</code> }.into_any();
    };
    view! {
        <div class="subject">
            <strong data-testid="subject">{move || subject_in_words(&subject, t())}</strong>
            <details class="technical">
                <summary>{move || t().technical_details}</summary>
                <dl>
                    <dt>{move || t().dn_label}</dt>
                    <dd><code data-testid="dn">{dn}</code></dd>
                </dl>
            </details>
        </div>
    }
    .into_any()
}

/// The one layout of every screen: the masthead (ehcert, home, the language picker), then in
/// `<main>` the kiosk bar, the test-platform banner while a flow's `environment` is not
/// production, and the screen itself.
#[component]
pub fn Shell(
    lang: RwSignal<Lang>,
    #[prop(optional)] environment: Option<RwSignal<String>>,
    /// The start screen, which needs no way back to itself.
    #[prop(optional)]
    start: bool,
    children: Children,
) -> impl IntoView {
    let t = move || strings(lang.get());
    view! {
        <header class="masthead">
            <div class="masthead-inner">
                <a class="brand" href="#">
                    <span class="brand-name">"ehcert"</span>
                    <span class="brand-task">{move || t().app_title}</span>
                </a>
                <LanguagePicker lang />
            </div>
        </header>
        <main>
            <KioskGuard lang />
            {(!start).then(|| view! {
                <p class="back"><a href="#" data-testid="back-to-start">{move || t().back_to_start}</a></p>
            })}
            {environment.map(|environment| view! { <TestPlatformBanner environment lang /> })}
            {children()}
        </main>
    }
}

/// "Test platform": on every screen of a flow while its environment is not production, since a
/// certificate from acceptance or from the demonstration's local service is refused by the
/// medical software a provider uses every day.
#[component]
fn TestPlatformBanner(environment: RwSignal<String>, lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || strings(lang.get());
    move || {
        let text = match Environment::named(&environment.get()) {
            Some(Environment::Production) | None => return None,
            Some(Environment::Acceptance) => t().test_banner_acceptance,
            Some(Environment::Local) => t().test_banner_local,
        };
        Some(view! {
            <div class="alert alert-warning test-platform" role="note" data-testid="test-platform">
                <p class="alert-title">{t().test_banner_title}</p>
                <p>{text}</p>
            </div>
        })
    }
}

/// The end of a request: that the certificate is ready, the file's name and that the chosen
/// password protects it, until when it is valid, then saving it where it belongs as the one
/// primary action ([`FinalKeystore`]), and the next step. The printed page says the same.
#[component]
pub fn Finished(
    name: String,
    file: StoredValue<Option<(String, Vec<u8>)>, LocalStorage>,
    keystore: StoredValue<Option<ehcert_pki::p12::Keystore>, LocalStorage>,
    lang: RwSignal<Lang>,
    #[prop(default = "done")] testid: &'static str,
    /// The final keystore replaced the request file where the person saved it.
    #[prop(optional)]
    replaced_pending: bool,
) -> impl IntoView {
    let t = move || strings(lang.get());
    let expiry = keystore.with_value(|kept| {
        kept.as_ref().and_then(ehcert_flows::my_certificates::reminder_for).map(|(_, _, at)| at)
    });
    view! {
        <div role="status" class="alert-success finished" data-testid=testid data-state="ok">
            <p class="alert-title">{move || t().done}</p>
            <p>{move || with_element(t().done_file, view! { <strong data-testid="file-name">{name.clone()}</strong> })}</p>
            {expiry.map(|at| view! {
                <p data-testid="valid-until">{move || t().done_valid_until.replace("{}", &crate::i18n::written_date(at, lang.get()))}</p>
            })}
        </div>
        <FinalKeystore file keystore lang replaced_pending />
        <p class="next-step" data-testid="next-step"><strong>{move || t().done_next}</strong></p>
    }
}

/// `text` with `element` where its `{}` is.
fn with_element(text: &str, element: impl IntoView) -> impl IntoView {
    let (before, after) = text.split_once("{}").unwrap_or((text, ""));
    (before.to_owned(), element, after.to_owned())
}

/// Where a final keystore goes: saving it as the one primary action, into the folder software
/// built on the eHealth connector looks in when it is not told another (`ehealth/keystore` in the
/// person's home folder, `%USERPROFILE%\ehealth\keystore` on Windows), or on a kiosk onto the
/// person's own USB stick (the kiosk's folders are wiped, and the session is held until it is
/// saved); the pending keystore of the same name told apart (it has no certificate yet), and the
/// renewal reminder.
#[component]
pub fn FinalKeystore(
    file: StoredValue<Option<(String, Vec<u8>)>, LocalStorage>,
    keystore: StoredValue<Option<ehcert_pki::p12::Keystore>, LocalStorage>,
    lang: RwSignal<Lang>,
    /// The final keystore is already where the person saved the request file, in its place:
    /// saying so replaces the choice of a place and the word about two files.
    #[prop(optional)]
    replaced_pending: bool,
) -> impl IntoView {
    let t = move || strings(lang.get());
    let reminder = keystore
        .with_value(|kept| kept.as_ref().and_then(ehcert_flows::my_certificates::reminder_for));
    let place = if is_kiosk() {
        kiosk::hold_until_saved();
        view! {
            <section class="card" aria-labelledby="place-title" data-testid="keystore-place">
                <h3 id="place-title">{move || t().kiosk_save_title}</h3>
                <SaveCopy file lang label=|t| t.save_to_usb />
                <p>{move || t().kiosk_save_first}</p>
            </section>
        }
        .into_any()
    } else if replaced_pending {
        view! {
            <section class="card" aria-labelledby="place-title" data-testid="keystore-place">
                <h3 id="place-title">{move || t().keystore_place_title}</h3>
                <p data-testid="replaced-pending">{move || t().replaced_pending}</p>
                <SaveCopy file lang />
            </section>
        }
        .into_any()
    } else {
        view! {
            <section class="card" aria-labelledby="place-title" data-testid="keystore-place">
                <h3 id="place-title">{move || t().keystore_place_title}</h3>
                <SaveCopy file lang label=|t| t.save_to_keystore_folder />
                <p>{move || t().keystore_place}</p>
                <ul class="paths">
                    <li>{move || t().keystore_place_windows}</li>
                    <li>{move || t().keystore_place_mac}</li>
                    <li>{move || t().keystore_place_linux}</li>
                </ul>
                {(!has_save_picker()).then(|| view! { <p>{move || t().keystore_place_move}</p> })}
                <p class="hint" data-testid="pending-not-final">{move || t().pending_not_final}</p>
            </section>
        }
        .into_any()
    };
    view! {
        {place}
        {reminder.map(|(dn, window, expiry)| view! {
            <p class="screen-only">
                {move || t().reminder_offer} " "
                <button type="button" on:click=move |_| download_renewal_reminder(&dn, window, expiry, t())>
                    {move || t().reminder}
                </button>
            </p>
        })}
    }
}

/// Downloads the `.ics` renewal reminder of the certificate `dn` (F16).
pub fn download_renewal_reminder(dn: &str, window: i64, expiry: i64, t: &Strings) {
    use rand_core::{OsRng, RngCore};
    let mut random = [0u8; 8];
    OsRng.fill_bytes(&mut random);
    let uid = base16ct::lower::encode_string(&random);
    let now = i64::try_from(crate::services::clock::now().0).unwrap_or_default();
    let ics = ehcert_flows::my_certificates::renewal_reminder(
        dn,
        window,
        expiry,
        now,
        &uid,
        (t.reminder_renew, t.reminder_expires),
    );
    let _ = download_as(ics.as_bytes(), "ehealth-certificate-renewal.ics", "text/calendar");
}

/// Whether this browser looks like Ubuntu's Firefox, the one snap a page can tell (Ubuntu ships
/// Firefox only as a snap since 22.04, and its user agent names Ubuntu): a snap cannot start the
/// card software, so "missing" sends its person to the help's part on snaps. Chromium's snap says
/// nothing of it; the help lists it for everyone.
fn looks_like_a_snap() -> bool {
    web_sys::window()
        .and_then(|window| window.navigator().user_agent().ok())
        .is_some_and(|agent| agent.contains("Ubuntu") && agent.contains("Firefox/"))
}

/// An error as an alert: its title (what it is about), then what happened and what to do, both
/// in the page's language as it changes. The message carries `testid` for the tests.
#[component]
pub fn ErrorAlert(
    error: crate::error::AppError,
    lang: RwSignal<Lang>,
    #[prop(default = "error")] testid: &'static str,
) -> impl IntoView {
    error.note_shown();
    let title = error.clone();
    // What to do: the help's part for this error, or its start; in a new tab, so the screen the
    // error is on keeps its work; in the language of the moment the error is shown.
    let topic = match error.help_topic() {
        Some(HelpTopic::Missing) if looks_like_a_snap() => Some(HelpTopic::Snap),
        topic => topic,
    };
    let help = format!(
        "/help/{}.html{}{}",
        crate::i18n::code(lang.get_untracked()),
        if topic.is_some() { "#" } else { "" },
        topic.map_or("", HelpTopic::name)
    );
    view! {
        <div role="alert" class="alert">
            <p class="alert-title">{move || title.title(lang.get())}</p>
            <p class="alert-message" data-testid=testid data-state="bad">{move || error.message(lang.get())}</p>
            <p class="alert-help">
                <a href=help target="_blank" rel="noopener" data-testid="help-link">{move || strings(lang.get()).help_link}</a>
            </p>
        </div>
    }
}
