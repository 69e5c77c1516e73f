//! "Check a keystore" (F15) and "Change its password" (F4): everything happens in this page, the
//! file and passwords go nowhere.

use ehcert_flows::keystore_check::{self, change_password, Finding, Report};
use ehcert_pki::{p12::Password, rules::PasswordCheck};
use leptos::{prelude::*, task::spawn_local};
use rand_core::OsRng;

use crate::{
    components::{ErrorAlert, Shell, Subject},
    error::AppError,
    i18n::{strings, use_lang, Strings},
    services::{
        clock,
        files::{chosen_file, download},
    },
};

/// A finding in words, in the page's language.
fn finding_text(finding: &Finding, t: &Strings) -> String {
    match finding {
        Finding::NoAuthenticationEntry => t.f_no_auth.to_owned(),
        Finding::Pending => t.f_pending.to_owned(),
        Finding::NotYetValid => t.f_not_yet_valid.to_owned(),
        Finding::Expired(days) => format!("{} {days}", t.f_expired),
        Finding::RenewNow(days) => format!("{} {days}", t.f_renew),
        Finding::AuthenticationKeyMismatch => t.f_auth_mismatch.to_owned(),
        Finding::ChainIncomplete => t.f_chain.to_owned(),
        Finding::NoEtk => t.f_no_etk.to_owned(),
        Finding::EtkKeyMismatch(alias) => format!("{} {alias}", t.f_etk_mismatch),
        Finding::EtkAliasNotSerial(alias) => format!("{} {alias}", t.f_etk_alias),
        Finding::ModernProfile => t.f_modern.to_owned(),
        Finding::UnconventionalFileName => t.f_file_name.to_owned(),
    }
}

/// The keystore screen.
#[component]
pub fn KeystoreCheck() -> impl IntoView {
    let lang = use_lang();
    let t = move || strings(lang.get());
    let file = StoredValue::new_local(None::<(String, Vec<u8>)>);
    let password = RwSignal::new(String::new());
    let report = RwSignal::new(None::<Report>);
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<String>);
    let new_password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());

    let on_file = move |event: leptos::ev::Event| {
        report.set(None);
        spawn_local(async move {
            if let Some(chosen) = chosen_file(&event).await {
                file.set_value(Some(chosen));
            }
        });
    };
    let run_check = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        notice.set(None);
        let Some((name, bytes)) = file.get_value() else {
            error.set(Some(AppError::NoKeystoreChosen));
            return;
        };
        let now = i64::try_from(clock::now().0).unwrap_or(i64::MAX);
        match keystore_check::check(&bytes, &Password::new(password.get_untracked()), &name, now) {
            Ok(found) => report.set(Some(found)),
            Err(err) => error.set(Some(AppError::from(err))),
        }
    };
    let change = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some((name, bytes)) = file.get_value() else { return };
        let result = change_password(
            &bytes,
            &Password::new(password.get_untracked()),
            &Password::new(new_password.get_untracked()),
            &confirmation.get_untracked(),
            &mut OsRng,
        )
        .map_err(AppError::from)
        .and_then(|renewed| download(&renewed, &name).map(|()| renewed));
        match result {
            Ok(renewed) => {
                file.set_value(Some((name, renewed)));
                password.set(new_password.get_untracked());
                new_password.set(String::new());
                confirmation.set(String::new());
                notice.set(Some(strings(lang.get_untracked()).password_changed.to_owned()));
            }
            Err(err) => error.set(Some(err)),
        }
    };
    let checks = move || PasswordCheck::of(&new_password.get(), &confirmation.get());

    view! {
        <Shell lang>
            <h1>{move || t().keystore_title}</h1>
            <form on:submit=run_check>
                <label for="keystore-file">{move || t().keystore_file}</label>
                <input id="keystore-file" type="file" accept=".p12,.acc-p12,.pfx" on:change=on_file />
                <label for="keystore-password">{move || t().keystore_password}</label>
                <input id="keystore-password" type="password" autocomplete="current-password"
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                <button type="submit">{move || t().check_button}</button>
            </form>
            {move || report.get().map(|found| {
                let t = t();
                let (blocking, other): (Vec<_>, Vec<_>) = found.findings.iter().partition(|f| f.blocks());
                view! {
                    <section aria-labelledby="verdict" data-testid="report" data-accepted=found.accepted().to_string()>
                        <h2 id="verdict">{if found.accepted() { t.verdict_ok } else { t.verdict_bad }}</h2>
                        <ul data-testid="blocking">
                            {blocking.iter().map(|f| view! { <li>{finding_text(f, t)}</li> }).collect_view()}
                        </ul>
                        {(!other.is_empty()).then(|| view! {
                            <p>{t.attention}</p>
                            <ul data-testid="warnings">
                                {other.iter().map(|f| view! { <li>{finding_text(f, t)}</li> }).collect_view()}
                            </ul>
                        })}
                        <dl>
                            {found.subject.clone().map(|subject| view! { <dt>{t.col_certificate}</dt><dd><Subject dn=subject lang /></dd> })}
                            {found.days_left.map(|days| view! { <dt>{t.col_days_left}</dt><dd data-testid="days-left">{days}</dd> })}
                            <dt>{t.entries}</dt>
                            <dd data-testid="aliases">{found.aliases.join(", ")}</dd>
                        </dl>
                    </section>
                    <section aria-labelledby="change-title">
                        <h2 id="change-title">{t.change_password_title}</h2>
                        <form on:submit=change>
                            <label for="new-password">{t.new_password}</label>
                            <input id="new-password" type="password" autocomplete="new-password"
                                prop:value=move || new_password.get() on:input=move |ev| new_password.set(event_target_value(&ev)) />
                            <label for="new-confirmation">{t.new_password_again}</label>
                            <input id="new-confirmation" type="password" autocomplete="new-password"
                                prop:value=move || confirmation.get() on:input=move |ev| confirmation.set(event_target_value(&ev)) />
                            <ul aria-live="polite">
                                <li>{move || rule(checks().long_enough, strings(lang.get()), |t| t.rule_length)}</li>
                                <li>{move || rule(checks().has_digit_or_symbol, strings(lang.get()), |t| t.rule_digit)}</li>
                                <li>{move || rule(checks().only_accepted_characters, strings(lang.get()), |t| t.rule_characters)}</li>
                                <li>{move || rule(checks().confirmed, strings(lang.get()), |t| t.rule_same)}</li>
                            </ul>
                            <button type="submit" disabled=move || !checks().passes()>{t.change_password_button}</button>
                        </form>
                    </section>
                }
            })}
            {move || notice.get().map(|text| view! { <p role="status" data-testid="notice">{text}</p> })}
            {move || error.get().map(|error| view! { <ErrorAlert error lang /> })}
        </Shell>
    }
}

/// A password rule, met or not, in words.
fn rule(met: bool, t: &Strings, text: fn(&Strings) -> &'static str) -> String {
    format!("{} {}", if met { t.rule_met } else { t.rule_not_met }, text(t))
}
