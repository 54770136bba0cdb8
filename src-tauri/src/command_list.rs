// The app's commands, once: each command's name, its `args` type (`()` for
// none) and its result. Everything else is generated from this table: the
// handler list (`setup` in lib.rs), `COMMANDS`, which the build script's
// manifest declares (it `include!`s this file), the window's capability
// (written by build.rs), and the typed command map in `bindings.ts` (the
// bindings test). A new command is its function in `commands.rs` and one
// line here.
//
// `app_commands!(m)` calls `m! { name(Args) -> Result, … }`.
#[macro_export]
macro_rules! app_commands {
    ($then:ident) => {
        $then! {
            login($crate::dto::LoginArgs) -> sealdesk_api::Me,
            whoami(()) -> sealdesk_api::Me,
            lock(()) -> (),
            change_passphrase($crate::dto::ChangePassphraseArgs) -> (),
            letters(()) -> Vec<sealdesk_api::LetterSummary>,
            draft_file(()) -> sealdesk_api::Draft,
            draft_text($crate::dto::DraftTextArgs) -> sealdesk_api::Draft,
            register_draft($crate::dto::RegisterDraftArgs) -> sealdesk_api::Registered,
            discard_draft($crate::dto::DraftArgs) -> (),
            open_drafts(()) -> Vec<sealdesk_api::Draft>,
            draft_text_under($crate::dto::TextUnderArgs) -> String,
            directory(()) -> sealdesk_api::RoutingDirectory,
            routing_slip($crate::dto::LetterArgs) -> sealdesk_api::RoutingSlip,
            route($crate::dto::RouteArgs) -> sealdesk_api::RequestInfo,
            inquire($crate::dto::InquireArgs) -> Vec<sealdesk_api::InquiryInfo>,
            inquiries(()) -> Vec<sealdesk_api::InquiryInfo>,
            answer_inquiry($crate::dto::AnswerArgs) -> sealdesk_api::InquiryInfo,
            requests(()) -> Vec<sealdesk_api::RequestInfo>,
            approve($crate::dto::DecideArgs) -> sealdesk_api::AssignmentInfo,
            deny($crate::dto::DecideArgs) -> sealdesk_api::RequestInfo,
            unit_assignments(()) -> Vec<sealdesk_api::AssignmentInfo>,
            revoke($crate::dto::EndAssignmentArgs) -> sealdesk_api::AssignmentInfo,
            assignments(()) -> Vec<sealdesk_api::AssignmentInfo>,
            decline($crate::dto::EndAssignmentArgs) -> sealdesk_api::AssignmentInfo,
            open_letter($crate::dto::OpenArgs) -> sealdesk_api::LetterContent,
            reveal_request($crate::dto::RevealRequestArgs) -> sealdesk_api::RequestInfo,
            reveal_endorse($crate::dto::EndorseArgs) -> sealdesk_api::RequestInfo,
            reveal_show($crate::dto::LetterArgs) -> sealdesk_api::IdentityView,
            copy_recorded($crate::dto::CopyArgs) -> (),
            ledger_verify(()) -> sealdesk_api::LedgerReport,
            ledger_readout(()) -> sealdesk_api::LedgerReadout,
            ledger_export($crate::dto::ExportArgs) -> $crate::dto::LedgerExportResult,
            trace_image(()) -> sealdesk_api::TraceReport,
            copy_request($crate::dto::CopyRequestArgs) -> sealdesk_api::RequestInfo,
            approve_copy($crate::dto::DecideArgs) -> sealdesk_api::RequestInfo,
            copy_requests(()) -> Vec<sealdesk_api::RequestInfo>,
            run_export($crate::dto::RunExportArgs) -> sealdesk_api::ExportDone,
            run_print($crate::dto::RequestArgs) -> sealdesk_api::PrintJob,
            choose_save_path($crate::dto::SaveAsArgs) -> Option<String>,
            copy_register($crate::dto::LetterArgs) -> Vec<sealdesk_api::CopyInfo>,
            users(()) -> Vec<sealdesk_api::UserInfo>,
            add_user($crate::dto::AddUserArgs) -> sealdesk_api::UserInfo,
            set_user_disabled($crate::dto::SetDisabledArgs) -> sealdesk_api::UserInfo,
            reset_user($crate::dto::ResetArgs) -> usize,
            set_user_roles($crate::dto::SetRolesArgs) -> sealdesk_api::UserInfo,
            settings(()) -> sealdesk_api::Settings,
            set_settings($crate::dto::SettingsArgs) -> sealdesk_api::Settings,
            close_letter($crate::dto::LifeArgs) -> sealdesk_api::LifeStep,
            declassify($crate::dto::DeclassifyArgs) -> sealdesk_api::LifeStep,
            destroy_propose($crate::dto::DestroyListArgs) -> sealdesk_api::LifeStep,
            destroy_approve($crate::dto::LifeArgs) -> sealdesk_api::LifeStep,
            destroy($crate::dto::DestroyArgs) -> sealdesk_api::LifeStep,
            audit_report($crate::dto::AuditReportArgs) -> $crate::dto::AuditReportView,
        }
    };
}

macro_rules! command_names {
    ($($name:ident($args:ty) -> $result:ty,)*) => {
        /// Every command's name, in the table's order.
        #[allow(dead_code)] // the build script reads it too
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

app_commands!(command_names);
