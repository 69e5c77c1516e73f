//! The app's words in its four languages (spec/product.md F10): one `Strings` per language, so a
//! text missing in one language does not compile. The language follows the browser at first and
//! can be switched at any time; the choice (not a secret) is remembered in `localStorage`.

pub use ehcert_shared::page::Lang;
use leptos::prelude::*;

/// Every text of the screens that have been translated.
pub struct Strings {
    /// The language's own name, for the picker.
    pub name: &'static str,
    pub language: &'static str,
    pub app_title: &'static str,
    pub home: &'static str,
    pub connection: &'static str,
    pub looking_for_extension: &'static str,
    pub browser_extension: &'static str,
    pub card_bridge: &'static str,
    pub connected_version: &'static str,
    pub installed: &'static str,
    pub not_checked: &'static str,
    pub not_available: &'static str,
    pub tasks: &'static str,
    pub task_new: &'static str,
    pub task_complete: &'static str,
    pub task_check: &'static str,
    pub new_title: &'static str,
    pub steps: &'static str,
    pub step_card: &'static str,
    pub step_contact: &'static str,
    pub step_contract: &'static str,
    pub step_password: &'static str,
    pub step_sign: &'static str,
    pub step_finish: &'static str,
    pub step_done: &'static str,
    pub card_holder: &'static str,
    pub insert_card: &'static str,
    pub read_again: &'static str,
    pub environment: &'static str,
    pub env_production: &'static str,
    pub env_acceptance: &'static str,
    pub env_local: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub continue_: &'static str,
    pub contract_for: &'static str,
    pub contract_frame: &'static str,
    pub accept: &'static str,
    pub password_intro: &'static str,
    pub password: &'static str,
    pub password_again: &'static str,
    pub rule_met: &'static str,
    pub rule_not_met: &'static str,
    pub rule_length: &'static str,
    pub rule_digit: &'static str,
    pub rule_characters: &'static str,
    pub rule_same: &'static str,
    pub create_key: &'static str,
    pub making_key: &'static str,
    pub pending_saved: &'static str,
    pub sign_intro: &'static str,
    pub sign_button: &'static str,
    pub type_pin: &'static str,
    pub finish_text: &'static str,
    pub done: &'static str,
    pub waiting: &'static str,
    pub registering_etk: &'static str,
    pub complete_title: &'static str,
    pub stored_pending: &'static str,
    pub pending_file: &'static str,
    pub keystore_password: &'static str,
    pub complete_button: &'static str,
    pub choose_file_first: &'static str,
}

/// English.
pub const EN: Strings = Strings {
    name: "English",
    language: "Language",
    app_title: "eHealth certificate",
    home: "Home",
    connection: "Connection",
    looking_for_extension: "Looking for the ehcert extension…",
    browser_extension: "Browser extension",
    card_bridge: "Card bridge",
    connected_version: "Connected, version",
    installed: "installed",
    not_checked: "Not checked (needs the extension)",
    not_available: "Not available:",
    tasks: "What do you want to do?",
    task_new: "New personal certificate",
    task_complete: "Complete a request",
    task_check: "Check this browser and your eID card",
    new_title: "New personal eHealth certificate",
    steps: "Steps",
    step_card: "Read your eID",
    step_contact: "Contact data",
    step_contract: "Contract",
    step_password: "Keystore password",
    step_sign: "Sign the request",
    step_finish: "Certificate and ETK",
    step_done: "Done",
    card_holder: "Card holder:",
    insert_card: "Put your Belgian eID card in the reader.",
    read_again: "Read my card again",
    environment: "eHealth environment",
    env_production: "Production",
    env_acceptance: "Acceptance (test platform)",
    env_local: "Local test service",
    email: "E-mail address",
    phone: "Phone number",
    continue_: "Continue",
    contract_for: "Your certificate will be issued for:",
    contract_frame: "eHealth contract",
    accept: "I have read this contract and accept it",
    password_intro: "Your medical software asks for this password. eHealth cannot recover it.",
    password: "Password",
    password_again: "Password again",
    rule_met: "✓ met:",
    rule_not_met: "✗ not yet:",
    rule_length: "at least 8 characters",
    rule_digit: "a digit or a symbol",
    rule_characters: "only letters, digits and symbols without accents or spaces",
    rule_same: "both passwords are the same",
    create_key: "Create my key",
    making_key: "Making your key and your pending keystore…",
    pending_saved: "Your pending keystore was downloaded and is kept in this browser. Keep it: it holds your new key.",
    sign_intro: "Sign the request with your eID: ehcert opens a window for your PIN.",
    sign_button: "Sign and send the request",
    type_pin: "Type your PIN in the ehcert window that opened.",
    finish_text: "eHealth received your request. You may close this page: \"Complete a request\" continues later with your pending keystore.",
    done: "Your eHealth certificate is ready. This file was downloaded; it holds your certificate and your encryption key (ETK) under the password you chose. Give it to your medical software:",
    waiting: "Waiting for eHealth to issue your certificate…",
    registering_etk: "Registering your encryption key (ETK) with eHealth…",
    complete_title: "Complete a certificate request",
    stored_pending: "This browser keeps your pending request:",
    pending_file: "Pending keystore file (.p12 or .acc-p12)",
    keystore_password: "Keystore password",
    complete_button: "Complete the request",
    choose_file_first: "Choose the pending keystore file first.",
};

/// Dutch.
pub const NL: Strings = Strings {
    name: "Nederlands",
    language: "Taal",
    app_title: "eHealth-certificaat",
    home: "Startpagina",
    connection: "Verbinding",
    looking_for_extension: "Op zoek naar de ehcert-extensie…",
    browser_extension: "Browserextensie",
    card_bridge: "Kaartbrug",
    connected_version: "Verbonden, versie",
    installed: "geïnstalleerd",
    not_checked: "Niet gecontroleerd (de extensie is nodig)",
    not_available: "Niet beschikbaar:",
    tasks: "Wat wilt u doen?",
    task_new: "Nieuw persoonlijk certificaat",
    task_complete: "Een aanvraag vervolledigen",
    task_check: "Deze browser en uw eID-kaart controleren",
    new_title: "Nieuw persoonlijk eHealth-certificaat",
    steps: "Stappen",
    step_card: "Uw eID lezen",
    step_contact: "Contactgegevens",
    step_contract: "Contract",
    step_password: "Wachtwoord van de keystore",
    step_sign: "De aanvraag ondertekenen",
    step_finish: "Certificaat en ETK",
    step_done: "Klaar",
    card_holder: "Kaarthouder:",
    insert_card: "Steek uw Belgische eID-kaart in de lezer.",
    read_again: "Mijn kaart opnieuw lezen",
    environment: "eHealth-omgeving",
    env_production: "Productie",
    env_acceptance: "Acceptatie (testplatform)",
    env_local: "Lokale testdienst",
    email: "E-mailadres",
    phone: "Telefoonnummer",
    continue_: "Verder",
    contract_for: "Uw certificaat wordt uitgereikt voor:",
    contract_frame: "eHealth-contract",
    accept: "Ik heb dit contract gelezen en aanvaard het",
    password_intro: "Uw medische software vraagt dit wachtwoord. eHealth kan het niet terugvinden.",
    password: "Wachtwoord",
    password_again: "Wachtwoord opnieuw",
    rule_met: "✓ in orde:",
    rule_not_met: "✗ nog niet:",
    rule_length: "minstens 8 tekens",
    rule_digit: "een cijfer of een symbool",
    rule_characters: "enkel letters, cijfers en symbolen zonder accenten of spaties",
    rule_same: "beide wachtwoorden zijn gelijk",
    create_key: "Mijn sleutel maken",
    making_key: "Uw sleutel en uw voorlopige keystore worden gemaakt…",
    pending_saved: "Uw voorlopige keystore werd gedownload en wordt in deze browser bewaard. Bewaar hem: hij bevat uw nieuwe sleutel.",
    sign_intro: "Onderteken de aanvraag met uw eID: ehcert opent een venster voor uw pincode.",
    sign_button: "De aanvraag ondertekenen en versturen",
    type_pin: "Typ uw pincode in het ehcert-venster dat geopend werd.",
    finish_text: "eHealth heeft uw aanvraag ontvangen. U mag deze pagina sluiten: \"Een aanvraag vervolledigen\" gaat later verder met uw voorlopige keystore.",
    done: "Uw eHealth-certificaat is klaar. Dit bestand werd gedownload; het bevat uw certificaat en uw versleutelingssleutel (ETK), onder het wachtwoord dat u koos. Geef het aan uw medische software:",
    waiting: "Wachten tot eHealth uw certificaat uitreikt…",
    registering_etk: "Uw versleutelingssleutel (ETK) wordt bij eHealth geregistreerd…",
    complete_title: "Een certificaataanvraag vervolledigen",
    stored_pending: "Deze browser bewaart uw lopende aanvraag:",
    pending_file: "Bestand van de voorlopige keystore (.p12 of .acc-p12)",
    keystore_password: "Wachtwoord van de keystore",
    complete_button: "De aanvraag vervolledigen",
    choose_file_first: "Kies eerst het bestand van de voorlopige keystore.",
};

/// French.
pub const FR: Strings = Strings {
    name: "Français",
    language: "Langue",
    app_title: "Certificat eHealth",
    home: "Accueil",
    connection: "Connexion",
    looking_for_extension: "Recherche de l'extension ehcert…",
    browser_extension: "Extension du navigateur",
    card_bridge: "Pont de carte",
    connected_version: "Connecté, version",
    installed: "installée",
    not_checked: "Non vérifié (l'extension est nécessaire)",
    not_available: "Indisponible :",
    tasks: "Que voulez-vous faire ?",
    task_new: "Nouveau certificat personnel",
    task_complete: "Compléter une demande",
    task_check: "Vérifier ce navigateur et votre carte eID",
    new_title: "Nouveau certificat eHealth personnel",
    steps: "Étapes",
    step_card: "Lire votre eID",
    step_contact: "Coordonnées",
    step_contract: "Contrat",
    step_password: "Mot de passe du keystore",
    step_sign: "Signer la demande",
    step_finish: "Certificat et ETK",
    step_done: "Terminé",
    card_holder: "Titulaire de la carte :",
    insert_card: "Insérez votre carte eID belge dans le lecteur.",
    read_again: "Relire ma carte",
    environment: "Environnement eHealth",
    env_production: "Production",
    env_acceptance: "Acceptation (plateforme de test)",
    env_local: "Service de test local",
    email: "Adresse e-mail",
    phone: "Numéro de téléphone",
    continue_: "Continuer",
    contract_for: "Votre certificat sera délivré pour :",
    contract_frame: "Contrat eHealth",
    accept: "J'ai lu ce contrat et je l'accepte",
    password_intro: "Votre logiciel médical demande ce mot de passe. eHealth ne peut pas le récupérer.",
    password: "Mot de passe",
    password_again: "Mot de passe (confirmation)",
    rule_met: "✓ respecté :",
    rule_not_met: "✗ pas encore :",
    rule_length: "au moins 8 caractères",
    rule_digit: "un chiffre ou un symbole",
    rule_characters: "uniquement des lettres, chiffres et symboles sans accents ni espaces",
    rule_same: "les deux mots de passe sont identiques",
    create_key: "Créer ma clé",
    making_key: "Création de votre clé et de votre keystore provisoire…",
    pending_saved: "Votre keystore provisoire a été téléchargé et est conservé dans ce navigateur. Gardez-le : il contient votre nouvelle clé.",
    sign_intro: "Signez la demande avec votre eID : ehcert ouvre une fenêtre pour votre code PIN.",
    sign_button: "Signer et envoyer la demande",
    type_pin: "Tapez votre code PIN dans la fenêtre ehcert qui s'est ouverte.",
    finish_text: "eHealth a reçu votre demande. Vous pouvez fermer cette page : « Compléter une demande » continue plus tard avec votre keystore provisoire.",
    done: "Votre certificat eHealth est prêt. Ce fichier a été téléchargé ; il contient votre certificat et votre clé de chiffrement (ETK), sous le mot de passe choisi. Donnez-le à votre logiciel médical :",
    waiting: "En attente de la délivrance de votre certificat par eHealth…",
    registering_etk: "Enregistrement de votre clé de chiffrement (ETK) auprès d'eHealth…",
    complete_title: "Compléter une demande de certificat",
    stored_pending: "Ce navigateur conserve votre demande en cours :",
    pending_file: "Fichier du keystore provisoire (.p12 ou .acc-p12)",
    keystore_password: "Mot de passe du keystore",
    complete_button: "Compléter la demande",
    choose_file_first: "Choisissez d'abord le fichier du keystore provisoire.",
};

/// German.
pub const DE: Strings = Strings {
    name: "Deutsch",
    language: "Sprache",
    app_title: "eHealth-Zertifikat",
    home: "Startseite",
    connection: "Verbindung",
    looking_for_extension: "Die ehcert-Erweiterung wird gesucht…",
    browser_extension: "Browsererweiterung",
    card_bridge: "Kartenbrücke",
    connected_version: "Verbunden, Version",
    installed: "installiert",
    not_checked: "Nicht geprüft (die Erweiterung wird benötigt)",
    not_available: "Nicht verfügbar:",
    tasks: "Was möchten Sie tun?",
    task_new: "Neues persönliches Zertifikat",
    task_complete: "Einen Antrag abschließen",
    task_check: "Diesen Browser und Ihre eID-Karte prüfen",
    new_title: "Neues persönliches eHealth-Zertifikat",
    steps: "Schritte",
    step_card: "Ihre eID lesen",
    step_contact: "Kontaktdaten",
    step_contract: "Vertrag",
    step_password: "Keystore-Passwort",
    step_sign: "Den Antrag unterschreiben",
    step_finish: "Zertifikat und ETK",
    step_done: "Fertig",
    card_holder: "Karteninhaber:",
    insert_card: "Stecken Sie Ihre belgische eID-Karte in den Leser.",
    read_again: "Meine Karte erneut lesen",
    environment: "eHealth-Umgebung",
    env_production: "Produktion",
    env_acceptance: "Abnahme (Testplattform)",
    env_local: "Lokaler Testdienst",
    email: "E-Mail-Adresse",
    phone: "Telefonnummer",
    continue_: "Weiter",
    contract_for: "Ihr Zertifikat wird ausgestellt für:",
    contract_frame: "eHealth-Vertrag",
    accept: "Ich habe diesen Vertrag gelesen und nehme ihn an",
    password_intro: "Ihre medizinische Software fragt nach diesem Passwort. eHealth kann es nicht wiederherstellen.",
    password: "Passwort",
    password_again: "Passwort wiederholen",
    rule_met: "✓ erfüllt:",
    rule_not_met: "✗ noch nicht:",
    rule_length: "mindestens 8 Zeichen",
    rule_digit: "eine Ziffer oder ein Symbol",
    rule_characters: "nur Buchstaben, Ziffern und Symbole ohne Akzente oder Leerzeichen",
    rule_same: "beide Passwörter sind gleich",
    create_key: "Meinen Schlüssel erstellen",
    making_key: "Ihr Schlüssel und Ihr vorläufiger Keystore werden erstellt…",
    pending_saved: "Ihr vorläufiger Keystore wurde heruntergeladen und wird in diesem Browser aufbewahrt. Bewahren Sie ihn auf: Er enthält Ihren neuen Schlüssel.",
    sign_intro: "Unterschreiben Sie den Antrag mit Ihrer eID: ehcert öffnet ein Fenster für Ihre PIN.",
    sign_button: "Den Antrag unterschreiben und senden",
    type_pin: "Geben Sie Ihre PIN in das geöffnete ehcert-Fenster ein.",
    finish_text: "eHealth hat Ihren Antrag erhalten. Sie dürfen diese Seite schließen: \"Einen Antrag abschließen\" macht später mit Ihrem vorläufigen Keystore weiter.",
    done: "Ihr eHealth-Zertifikat ist bereit. Diese Datei wurde heruntergeladen; sie enthält Ihr Zertifikat und Ihren Verschlüsselungsschlüssel (ETK) unter dem gewählten Passwort. Geben Sie sie Ihrer medizinischen Software:",
    waiting: "Warten, bis eHealth Ihr Zertifikat ausstellt…",
    registering_etk: "Ihr Verschlüsselungsschlüssel (ETK) wird bei eHealth registriert…",
    complete_title: "Einen Zertifikatsantrag abschließen",
    stored_pending: "Dieser Browser bewahrt Ihren laufenden Antrag auf:",
    pending_file: "Datei des vorläufigen Keystores (.p12 oder .acc-p12)",
    keystore_password: "Keystore-Passwort",
    complete_button: "Den Antrag abschließen",
    choose_file_first: "Wählen Sie zuerst die Datei des vorläufigen Keystores.",
};

/// The texts of `lang`.
pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::Nl => &NL,
        Lang::Fr => &FR,
        Lang::De => &DE,
        Lang::En => &EN,
    }
}

/// The language's code (`nl`, `fr`, `de`, `en`).
pub fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => "nl",
        Lang::Fr => "fr",
        Lang::De => "de",
        Lang::En => "en",
    }
}

const ALL: [Lang; 4] = [Lang::Nl, Lang::Fr, Lang::De, Lang::En];
const STORAGE_KEY: &str = "ehcert.lang";

/// The remembered choice, else the first of the browser's languages we speak, else English.
pub fn initial_lang() -> Lang {
    let window = web_sys::window();
    let remembered = window
        .as_ref()
        .and_then(|window| window.local_storage().ok().flatten())
        .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten());
    let browser: Vec<String> = window
        .map(|window| {
            window.navigator().languages().iter().filter_map(|tag| tag.as_string()).collect()
        })
        .unwrap_or_default();
    let preferred = remembered.into_iter().chain(browser);
    preferred
        .filter_map(|tag| ALL.into_iter().find(|lang| tag.to_lowercase().starts_with(code(*lang))))
        .next()
        .unwrap_or(Lang::En)
}

/// The page's language: from [`initial_lang`], switchable with [`LanguagePicker`].
pub fn use_lang() -> RwSignal<Lang> {
    let lang = RwSignal::new(initial_lang());
    Effect::new(move || {
        let code = code(lang.get());
        if let Some(root) = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.document_element())
        {
            let _ = root.set_attribute("lang", code);
        }
        if let Some(storage) =
            web_sys::window().and_then(|window| window.local_storage().ok().flatten())
        {
            let _ = storage.set_item(STORAGE_KEY, code);
        }
    });
    lang
}

/// The language switch, available on every screen at any time.
#[component]
pub fn LanguagePicker(lang: RwSignal<Lang>) -> impl IntoView {
    view! {
        <p class="language">
            <label for="language">{move || strings(lang.get()).language}</label>
            " "
            <select id="language" prop:value=move || code(lang.get())
                on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    if let Some(found) = ALL.into_iter().find(|each| code(*each) == chosen) {
                        lang.set(found);
                    }
                }>
                {ALL.into_iter().map(|each| view! { <option value=code(each)>{strings(each).name}</option> }).collect_view()}
            </select>
        </p>
    }
}
