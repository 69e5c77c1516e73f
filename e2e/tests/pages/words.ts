// The words a person reads on the app's screens and in the extension's PIN window, per language.
// Written out here, not read from the app, so a flow run in French fails when a French screen
// shows the wrong words (sources: app/lang/*.json, extension/pin-strings.js).

/** The PIN window's words (extension/pin-strings.js). */
export type PinWords = {
  pin: string;
  sign: string;
  cancel: string;
  keyAuthentication: string;
  keySignature: string;
  /** "national number", after a person’s name in "Certificate for". */
  nationalNumber: string;
  /** The operation line, per operation a page may ask for. */
  ops: { actorQualities: string; certificateList: string; certificateRequest: string; revocation: string };
};

export type Words = {
  /** The language's name in the language picker. */
  language: string;
  /** The `lang` attribute the page takes. */
  code: 'nl' | 'fr' | 'de' | 'en';
  appTitle: string;
  environment: string;
  local: string;
  production: string;
  /** The banner's title on every screen of a flow outside production. */
  testPlatform: string;
  email: string;
  phone: string;
  next: string;
  password: string;
  passwordAgain: string;
  keystorePassword: string;
  keystoreFile: string;
  // New personal certificate (F1) and Complete a request (F3).
  newTitle: string;
  accept: string;
  contract: string;
  createKey: string;
  /** The password rules (F9): each line is "met"/"not yet" in words, then the rule. */
  rules: { met: string; notMet: string; length: string; digit: string; characters: string; same: string };
  sign: string;
  done: string;
  /** The button that downloads the signed request, the person's evidence. */
  downloadSignedRequest: string;
  waiting: string;
  completeTitle: string;
  completeButton: string;
  // Renewal and ETK activation (F5–F7).
  renewTitle: string;
  currentFile: string;
  openCurrent: string;
  renewNotYet: RegExp;
  etkWaiting: string;
  activateTitle: string;
  activateNow: string;
  etkActivated: string;
  etkAlreadyActive: string;
  // An organisation's certificate (F2).
  organisationTitle: string;
  lookUp: string;
  another: string;
  organisationType: string;
  organisationNumber: string;
  organisationName: string;
  applicationId: string;
  emailGeneral: string;
  /** The time-stamping base service's checkbox. */
  serviceTsa: string;
  /** The mock's hospital type, as GetGenericOrganizationTypes names it in this language. */
  hospitalType: string;
  /** How a NIHII (RIZIV/INAMI) number is named beside an organisation. */
  nihiiNumber: string;
  /** "application", before an application id. */
  application: string;
  orgWrongForm: string;
  orgWrongCheckDigits: string;
  // A provider abroad (F13).
  foreignerTitle: string;
  givenNames: string;
  surname: string;
  bisNumber: string;
  submitForeigner: string;
  bisNotBis: string;
  saveCopy: string;
  savedCopy: string;
  // My certificates, reminder, revocation (F8, F14, F16).
  certificatesTitle: string;
  showCertificates: string;
  reminder: string;
  reminderSummary: string;
  revoke: string;
  reason: string;
  reasonCessation: string;
  revocationContract: string;
  acceptRevocation: string;
  revokeWithEid: string;
  revoked: string;
  // Health check and password change (F15, F4).
  keystoreTitle: string;
  check: string;
  verdictOk: string;
  neverCompleted: string;
  wrongPassword: string;
  newPassword: string;
  newPasswordAgain: string;
  changePassword: string;
  // Kiosk (F17).
  kioskText: string;
  kioskFinish: string;
  pin: PinWords;
};

export const ENGLISH: Words = {
  language: 'English',
  code: 'en',
  appTitle: 'eHealth certificate',
  environment: 'eHealth environment',
  local: 'Local test service',
  production: 'Production',
  testPlatform: 'Test platform',
  email: 'E-mail address',
  phone: 'Phone number',
  next: 'Continue',
  password: 'Password',
  passwordAgain: 'Password again',
  keystorePassword: 'Certificate password',
  keystoreFile: 'Certificate file (.p12 or .acc-p12)',
  newTitle: 'New personal eHealth certificate',
  accept: 'I have read this contract and accept it',
  contract: 'eHealth contract',
  createKey: 'Create my key',
  rules: {
    met: '✓ met:',
    notMet: '✗ not yet:',
    length: 'at least 8 characters',
    digit: 'a digit or a symbol',
    characters: 'only letters, digits and symbols without accents or spaces',
    same: 'both passwords are the same',
  },
  sign: 'Sign and send the request',
  done: 'Your eHealth certificate is ready',
  downloadSignedRequest: 'Download the request you signed (XML)',
  waiting: 'Waiting for eHealth to issue your certificate',
  completeTitle: 'Complete a certificate request',
  completeButton: 'Complete the request',
  renewTitle: 'Renew a certificate',
  currentFile: 'Current certificate file (.p12 or .acc-p12)',
  openCurrent: 'Open and check',
  renewNotYet: /^renewal opens on \d{2}\/\d{2}\/\d{4}, 90 days before the end of validity/,
  etkWaiting: 'Your new encryption key (ETK) waits for activation',
  activateTitle: 'Activate the new ETK',
  activateNow: 'Activate the new ETK now',
  etkActivated: 'The new ETK is active: messages to you are now encrypted for the new certificate file.',
  etkAlreadyActive: "This certificate file’s ETK is active already: there is nothing to activate. After a renewal, choose the new certificate file.",
  organisationTitle: 'New certificate for an organisation',
  lookUp: 'Look up my organisations',
  another: 'Another organisation (eHealth checks by hand whether you may represent it)',
  organisationType: 'Type of organisation',
  organisationNumber: 'Number (NIHII number or company number)',
  organisationName: 'Name of the organisation',
  applicationId: 'Application id (optional)',
  emailGeneral: 'General e-mail address of the organisation',
  serviceTsa: 'Time-stamping (tsa)',
  hospitalType: 'Ziekenhuis (NIHII number)',
  nihiiNumber: 'NIHII number',
  application: 'application',
  orgWrongForm: 'this number does not have the form eHealth expects for this type of organisation. Check the number and the type.',
  orgWrongCheckDigits: "this number’s check digits are wrong: probably a typo. Check the number.",
  foreignerTitle: 'Certificate for a care provider abroad',
  givenNames: 'Given names',
  surname: 'Surname',
  bisNumber: 'BIS number (11 digits)',
  submitForeigner: 'Create the key and send the request',
  bisNotBis: 'this is a Belgian national register number, not a BIS number',
  saveCopy: 'Save it in ehealth › keystore…',
  savedCopy: 'Saved.',
  certificatesTitle: 'My eHealth certificates',
  showCertificates: 'Show my certificates',
  reminder: 'Reminder (.ics)',
  reminderSummary: 'Renew your eHealth certificate',
  revoke: 'Revoke',
  reason: 'Reason',
  reasonCessation: 'The activity stopped',
  revocationContract: 'Show the revocation contract',
  acceptRevocation: 'I have read this revocation contract and accept it',
  revokeWithEid: 'Revoke with my eID',
  revoked: 'The certificate and its ETK are revoked',
  keystoreTitle: 'Check a certificate file',
  check: 'Check',
  verdictOk: 'Your medical software will accept this certificate file.',
  neverCompleted: 'the request was never completed',
  wrongPassword: 'the certificate password is wrong',
  newPassword: 'New password',
  newPasswordAgain: 'New password again',
  changePassword: 'Change the password and download',
  kioskText: 'This is a shared computer',
  kioskFinish: 'Finish and wipe',
  pin: {
    pin: 'PIN code (4 to 12 digits)',
    sign: 'Sign',
    cancel: 'Cancel',
    keyAuthentication: 'authentication key',
    keySignature: 'signature key (legally binding signature)',
    nationalNumber: 'national register number',
    ops: {
      actorQualities: 'looking up at eHealth which certificates you may request',
      certificateList: 'listing your eHealth certificates',
      certificateRequest: 'your request for an eHealth certificate',
      revocation: 'revoking an eHealth certificate',
    },
  },
};

export const DUTCH: Words = {
  language: 'Nederlands',
  code: 'nl',
  appTitle: 'eHealth-certificaat',
  environment: 'eHealth-omgeving',
  local: 'Lokale testdienst',
  production: 'Productie',
  testPlatform: 'Testplatform',
  email: 'E-mailadres',
  phone: 'Telefoonnummer',
  next: 'Verder',
  password: 'Wachtwoord',
  passwordAgain: 'Wachtwoord opnieuw',
  keystorePassword: 'Wachtwoord van het certificaat',
  keystoreFile: 'Certificaatbestand (.p12 of .acc-p12)',
  newTitle: 'Nieuw persoonlijk eHealth-certificaat',
  accept: 'Ik heb dit contract gelezen en aanvaard het',
  contract: 'eHealth-contract',
  createKey: 'Mijn sleutel maken',
  rules: {
    met: '✓ in orde:',
    notMet: '✗ nog niet:',
    length: 'minstens 8 tekens',
    digit: 'een cijfer of een symbool',
    characters: 'enkel letters, cijfers en symbolen zonder accenten of spaties',
    same: 'beide wachtwoorden zijn gelijk',
  },
  sign: 'De aanvraag ondertekenen en versturen',
  done: 'Uw eHealth-certificaat is klaar',
  downloadSignedRequest: 'De aanvraag downloaden die u ondertekende (XML)',
  waiting: 'Wachten tot eHealth uw certificaat uitreikt',
  completeTitle: 'Een certificaataanvraag vervolledigen',
  completeButton: 'De aanvraag vervolledigen',
  renewTitle: 'Een certificaat vernieuwen',
  currentFile: 'Huidig certificaatbestand (.p12 of .acc-p12)',
  openCurrent: 'Openen en controleren',
  renewNotYet: /^vernieuwen kan vanaf \d{2}\/\d{2}\/\d{4}, 90 dagen voor het einde van de geldigheid/,
  etkWaiting: 'Uw nieuwe vercijferingssleutel (ETK) wacht op activering',
  activateTitle: 'De nieuwe ETK activeren',
  activateNow: 'De nieuwe ETK nu activeren',
  etkActivated: 'De nieuwe ETK is actief: berichten voor u worden nu voor het nieuwe certificaatbestand versleuteld.',
  etkAlreadyActive: "De ETK van dit certificaatbestand is al actief: er valt niets te activeren. Kies na een vernieuwing het nieuwe certificaatbestand.",
  organisationTitle: 'Nieuw certificaat voor een organisatie',
  lookUp: 'Mijn organisaties opzoeken',
  another: 'Een andere organisatie (eHealth controleert manueel of u ze mag vertegenwoordigen)',
  organisationType: 'Soort organisatie',
  organisationNumber: 'Nummer (RIZIV-nummer of ondernemingsnummer)',
  organisationName: 'Naam van de organisatie',
  applicationId: 'Applicatie-id (optioneel)',
  emailGeneral: 'Algemeen e-mailadres van de organisatie',
  serviceTsa: 'Tijdstempeling (tsa)',
  hospitalType: 'Ziekenhuis (RIZIV-nummer)',
  nihiiNumber: 'RIZIV-nummer',
  application: 'toepassing',
  orgWrongForm: 'dit nummer heeft niet de vorm die eHealth voor dit soort organisatie verwacht. Controleer het nummer en het type.',
  orgWrongCheckDigits: 'de controlecijfers van dit nummer kloppen niet: waarschijnlijk een tikfout. Controleer het nummer.',
  foreignerTitle: 'Certificaat voor een zorgverlener in het buitenland',
  givenNames: 'Voornamen',
  surname: 'Achternaam',
  bisNumber: 'BIS-nummer (11 cijfers)',
  submitForeigner: 'Sleutel maken en aanvraag versturen',
  bisNotBis: 'dit is een Belgisch rijksregisternummer, geen BIS-nummer',
  saveCopy: 'Bewaren in ehealth › keystore…',
  savedCopy: 'Bewaard.',
  certificatesTitle: 'Mijn eHealth-certificaten',
  showCertificates: 'Mijn certificaten tonen',
  reminder: 'Herinnering (.ics)',
  reminderSummary: 'Vernieuw uw eHealth-certificaat',
  revoke: 'Herroepen',
  reason: 'Reden',
  reasonCessation: 'De activiteit is stopgezet',
  revocationContract: 'Het intrekkingscontract tonen',
  acceptRevocation: 'Ik heb dit intrekkingscontract gelezen en aanvaard het',
  revokeWithEid: 'Herroepen met mijn eID',
  revoked: 'Het certificaat en zijn ETK zijn herroepen',
  keystoreTitle: 'Een certificaatbestand controleren',
  check: 'Controleren',
  verdictOk: 'Uw medische software zal dit certificaatbestand aanvaarden.',
  neverCompleted: 'de aanvraag werd nooit vervolledigd',
  wrongPassword: 'het wachtwoord van het certificaat is verkeerd',
  newPassword: 'Nieuw wachtwoord',
  newPasswordAgain: 'Nieuw wachtwoord opnieuw',
  changePassword: 'Wachtwoord wijzigen en downloaden',
  kioskText: 'Dit is een gedeelde computer',
  kioskFinish: 'Afsluiten en wissen',
  pin: {
    pin: 'Pincode (4 tot 12 cijfers)',
    sign: 'Ondertekenen',
    cancel: 'Annuleren',
    keyAuthentication: 'authenticatiesleutel',
    keySignature: 'handtekeningsleutel (juridisch bindende handtekening)',
    nationalNumber: 'rijksregisternummer',
    ops: {
      actorQualities: 'opvragen bij eHealth welke certificaten u mag aanvragen',
      certificateList: 'uw eHealth-certificaten oplijsten',
      certificateRequest: 'uw aanvraag voor een eHealth-certificaat',
      revocation: 'een eHealth-certificaat herroepen',
    },
  },
};

export const FRENCH: Words = {
  language: 'Français',
  code: 'fr',
  appTitle: 'Certificat eHealth',
  environment: 'Environnement eHealth',
  local: 'Service de test local',
  production: 'Production',
  testPlatform: 'Plateforme de test',
  email: 'Adresse e-mail',
  phone: 'Numéro de téléphone',
  next: 'Continuer',
  password: 'Mot de passe',
  passwordAgain: 'Mot de passe (confirmation)',
  keystorePassword: 'Mot de passe du certificat',
  keystoreFile: 'Fichier du certificat (.p12 ou .acc-p12)',
  newTitle: 'Nouveau certificat eHealth personnel',
  accept: "J’ai lu ce contrat et je l’accepte",
  contract: 'Contrat eHealth',
  createKey: 'Créer ma clé',
  rules: {
    met: '✓ respecté :',
    notMet: '✗ pas encore :',
    length: 'au moins 8 caractères',
    digit: 'un chiffre ou un symbole',
    characters: 'uniquement des lettres, chiffres et symboles sans accents ni espaces',
    same: 'les deux mots de passe sont identiques',
  },
  sign: 'Signer et envoyer la demande',
  done: 'Votre certificat eHealth est prêt',
  downloadSignedRequest: 'Télécharger la demande que vous avez signée (XML)',
  waiting: 'En attente de la délivrance de votre certificat par eHealth',
  completeTitle: 'Compléter une demande de certificat',
  completeButton: 'Compléter la demande',
  renewTitle: 'Renouveler un certificat',
  currentFile: 'Fichier du certificat actuel (.p12 ou .acc-p12)',
  openCurrent: 'Ouvrir et vérifier',
  renewNotYet: /^le renouvellement est possible à partir du \d{2}\/\d{2}\/\d{4}, 90 jours avant la fin de validité/,
  etkWaiting: 'Votre nouvelle clé de chiffrement (ETK) attend son activation',
  activateTitle: 'Activer le nouvel ETK',
  activateNow: 'Activer le nouvel ETK maintenant',
  etkActivated: 'Le nouvel ETK est actif : les messages qui vous sont destinés sont désormais chiffrés pour le nouveau fichier du certificat.',
  etkAlreadyActive: "L’ETK de ce fichier du certificat est déjà actif : il n’y a rien à activer. Après un renouvellement, choisissez le nouveau fichier du certificat.",
  organisationTitle: 'Nouveau certificat pour une organisation',
  lookUp: 'Rechercher mes organisations',
  another: 'Une autre organisation (eHealth vérifie manuellement si vous pouvez la représenter)',
  organisationType: "Type d’organisation",
  organisationNumber: 'Numéro (numéro INAMI ou numéro d’entreprise)',
  organisationName: "Nom de l’organisation",
  applicationId: "Identifiant d’application (facultatif)",
  emailGeneral: "Adresse e-mail générale de l’organisation",
  serviceTsa: 'Horodatage (tsa)',
  hospitalType: 'Hôpital (numéro INAMI)',
  nihiiNumber: 'numéro INAMI',
  application: 'application',
  orgWrongForm: "ce numéro n’a pas la forme attendue par eHealth pour ce type d’organisation. Vérifiez le numéro et le type.",
  orgWrongCheckDigits: 'les chiffres de contrôle de ce numéro sont faux : sans doute une faute de frappe. Vérifiez le numéro.',
  foreignerTitle: "Certificat pour un prestataire à l’étranger",
  givenNames: 'Prénoms',
  surname: 'Nom',
  bisNumber: 'Numéro BIS (11 chiffres)',
  submitForeigner: 'Créer la clé et envoyer la demande',
  bisNotBis: 'ceci est un numéro de registre national belge, pas un numéro BIS',
  saveCopy: 'L’enregistrer dans ehealth › keystore…',
  savedCopy: 'Enregistré.',
  certificatesTitle: 'Mes certificats eHealth',
  showCertificates: 'Afficher mes certificats',
  reminder: 'Rappel (.ics)',
  reminderSummary: 'Renouvelez votre certificat eHealth',
  revoke: 'Révoquer',
  reason: 'Motif',
  reasonCessation: "L’activité a cessé",
  revocationContract: 'Afficher le contrat de révocation',
  acceptRevocation: "J’ai lu ce contrat de révocation et je l’accepte",
  revokeWithEid: 'Révoquer avec mon eID',
  revoked: 'Le certificat et son ETK sont révoqués',
  keystoreTitle: 'Vérifier un fichier du certificat',
  check: 'Vérifier',
  verdictOk: 'Votre logiciel médical acceptera ce fichier du certificat.',
  neverCompleted: "la demande n’a jamais été complétée",
  wrongPassword: 'le mot de passe du certificat est erroné',
  newPassword: 'Nouveau mot de passe',
  newPasswordAgain: 'Nouveau mot de passe (confirmation)',
  changePassword: 'Changer le mot de passe et télécharger',
  kioskText: 'Ceci est un ordinateur partagé',
  kioskFinish: 'Terminer et effacer',
  pin: {
    pin: 'Code PIN (4 à 12 chiffres)',
    sign: 'Signer',
    cancel: 'Annuler',
    keyAuthentication: "clé d’authentification",
    keySignature: 'clé de signature (signature juridiquement contraignante)',
    nationalNumber: 'numéro de registre national',
    ops: {
      actorQualities: 'demander à eHealth quels certificats vous pouvez obtenir',
      certificateList: 'la liste de vos certificats eHealth',
      certificateRequest: 'votre demande de certificat eHealth',
      revocation: "la révocation d’un certificat eHealth",
    },
  },
};

/** Each flow runs on both card generations, each in another language: RSA keys on applet 1.7
 *  in English, ECDSA P-384 on 1.8 in French (F1 also runs in Dutch). */
export const CARD_RUNS = [
  { applet: '1.7', words: ENGLISH },
  { applet: '1.8', words: FRENCH },
] as const;

/** Opens `url` (an address in the app) and picks `words`' language with the page's language
 *  picker, as a person does; the choice is remembered for the next pages (app/src/i18n.rs). */
export async function openIn(page: import('@playwright/test').Page, url: string, words: Pick<Words, 'language' | 'code'>) {
  await page.goto(url);
  await page.locator('#language').selectOption({ label: words.language });
  await page.locator(`html[lang="${words.code}"]`).waitFor();
}
